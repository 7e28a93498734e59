import type { JobRecord } from '../../jobs/jobRecord.js';
import type { ServerContext } from '../context.js';
import { genomeMissingMessage, jobGenomePaths } from './jobGenome.js';
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
  const genome = await jobGenomePaths(ctx, job);
  const notes: string[] = [];
  const genomeURL = (file: string) => `${api}/genome?file=${file}`;
  let reference: ViewSession['reference'] = { id: job.id, chromSizesURL: genomeURL('sizes') };
  if (!genome.fasta || !genome.fai) {
    notes.push(`${genomeMissingMessage(job, !genome.fasta ? 'fasta' : 'fai')}: showing chromosome sizes only, without sequence.`);
  } else if (!(await isGzip(genome.fasta))) {
    reference = { id: job.id, fastaURL: genomeURL('fasta'), indexURL: genomeURL('fai') };
  } else if (genome.gzi) {
    reference = { id: job.id, fastaURL: genomeURL('fasta'), indexURL: genomeURL('fai'), compressedIndexURL: genomeURL('gzi') };
  } else {
    notes.push(`${genomeMissingMessage(job, 'gzi')}: the bgzip FASTA cannot be read without it, so only chromosome sizes are shown.`);
  }
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
