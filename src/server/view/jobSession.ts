import type { JobRecord } from '../../jobs/jobRecord.js';
import type { ServerContext } from '../context.js';
import { ServiceError } from '../serviceError.js';
import { genomeMissingMessage, jobGenomePaths, type JobGenomePaths } from './jobGenome.js';
import { isGzip, topCallsOfFile, type ViewSession } from './viewSession.js';

/**
 * The browser session of a done job: its genome with sequence when the files are still
 * there (else chromosome sizes from its result, and a note saying why), its BED regions,
 * one bigWig track per label, and the top call of each label. Every URL is one of the
 * job's API endpoints, so the page's fetches pass the same auth and data-root checks as
 * any client's.
 */
export async function jobViewSession(ctx: ServerContext, job: JobRecord): Promise<ViewSession> {
  const api = `/v1/jobs/${job.id}`;
  const labels = job.result!.labels;
  const notes: string[] = [];
  const reference = await jobReference(ctx, job, notes);
  const tracks: ViewSession['tracks'] = [
    { name: `${job.model} regions`, format: 'bed', url: `${api}/result?format=bed` },
    ...labels.map((label) => ({ name: label, format: 'bigwig' as const, url: `${api}/result?format=bigwig&label=${encodeURIComponent(label)}` })),
  ];
  const top = await topCallsOfFile(`${ctx.store.resultStem(job.id)}.bed`, labels);
  const without = labels.filter((l) => !top.some((c) => c.label === l));
  if (without.length) notes.push(`No region called for ${without.join(', ')}.`);
  const fasta = job.input.labels?.[job.input.fasta] ?? `'${job.input.fasta}'`;
  return { title: `job ${job.id} · ${job.model} · ${fasta}`, reference, tracks, topCalls: top, notes };
}

/** The job's genome with sequence where its files can be read, else its chromosome sizes (and a note why). */
async function jobReference(ctx: ServerContext, job: JobRecord, notes: string[]): Promise<ViewSession['reference']> {
  const url = (file: string) => `/v1/jobs/${job.id}/genome?file=${file}`;
  const sizesOnly = (why: string) => {
    notes.push(`${why}: showing chromosome sizes only, without sequence.`);
    return { id: job.id, chromSizesURL: url('sizes') };
  };
  let genome: JobGenomePaths;
  try {
    genome = await jobGenomePaths(ctx, job);
  } catch (err) {
    // The data-root rules refuse the genome now (a root gone, a symlink leading out).
    if (err instanceof ServiceError && err.status === 403) return sizesOnly(err.message);
    throw err;
  }
  if (!genome.fasta || !genome.fai) return sizesOnly(genomeMissingMessage(job, !genome.fasta ? 'fasta' : 'fai'));
  if (!(await isGzip(genome.fasta))) return { id: job.id, fastaURL: url('fasta'), indexURL: url('fai') };
  if (!genome.gzi) return sizesOnly(`${genomeMissingMessage(job, 'gzi')} (a bgzip FASTA is read through it)`);
  return { id: job.id, fastaURL: url('fasta'), indexURL: url('fai'), compressedIndexURL: url('gzi') };
}
