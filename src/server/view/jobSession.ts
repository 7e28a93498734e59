import { attributionPaths } from '../../attribution/attributionOutputs.js';
import type { JobRecord } from '../../jobs/jobRecord.js';
import { bigWigPaths } from '../../pipeline/runPrediction.js';
import type { ServerContext } from '../context.js';
import { ServiceError } from '../serviceError.js';
import { genomeMissingMessage, jobGenomePaths, type JobGenomePaths } from './jobGenome.js';
import { isGzip, topCallsOfFile, type ViewSession } from './viewSession.js';

/**
 * The browser session of a done job: its genome with sequence when the files are still
 * there (else chromosome sizes from its result, and a note saying why), its BED regions,
 * one bigWig track per label, and the top call of each label; for an attribution job, its
 * two per-base attribution bigWigs on the region it explains. Every URL is one of the
 * job's API endpoints, so the page's fetches pass the same auth and data-root checks as
 * any client's.
 */
export async function jobViewSession(ctx: ServerContext, job: JobRecord): Promise<ViewSession> {
  const api = `/v1/jobs/${job.id}`;
  const notes: string[] = [];
  const reference = await jobReference(ctx, job, notes);
  const fasta = job.input.labels?.[job.input.fasta] ?? `'${job.input.fasta}'`;
  const spec = job.attribution;
  if (spec) {
    // An attribution job: its two per-base bigWigs, on the region it explains.
    const region = `${spec.chrom}:${spec.start + 1}-${spec.end}`;
    return {
      title: `job ${job.id} · ${job.model} · attribution of ${spec.label} over ${region} · ${fasta}`,
      reference,
      tracks: [
        { name: `${spec.label} attribution max |Δ|`, format: 'bigwig', url: `${api}/result?format=attribution_maxabs` },
        { name: `${spec.label} attribution mean Δ`, format: 'bigwig', url: `${api}/result?format=attribution_mean` },
      ],
      topCalls: [{ label: `${spec.label} attribution`, chrom: spec.chrom, start: spec.start, end: spec.end, score: 0 }],
      notes,
    };
  }
  const labels = job.result!.labels;
  const tracks: ViewSession['tracks'] = [
    { name: `${job.model} regions`, format: 'bed', url: `${api}/result?format=bed` },
    ...labels.map((label) => ({ name: label, format: 'bigwig' as const, url: `${api}/result?format=bigwig&label=${encodeURIComponent(label)}` })),
  ];
  const top = await topCallsOfFile(`${ctx.store.resultStem(job.id)}.bed`, labels);
  const without = labels.filter((l) => !top.some((c) => c.label === l));
  if (without.length) notes.push(`No region called for ${without.join(', ')}.`);
  return { title: `job ${job.id} · ${job.model} · ${fasta}`, reference, tracks, topCalls: top, notes };
}

/** A result bigWig of the job: its header lists the chromosomes its results are on. */
export function resultBigWig(ctx: ServerContext, job: JobRecord): string {
  const stem = ctx.store.resultStem(job.id);
  return job.attribution ? attributionPaths(stem).maxAbs : bigWigPaths(stem, job.result!.labels)[0]!;
}

/** The job's genome with sequence where its files can be read, else its chromosome sizes (and a note why). */
async function jobReference(ctx: ServerContext, job: JobRecord, notes: string[]): Promise<ViewSession['reference']> {
  const url = (file: string) => `/v1/jobs/${job.id}/genome?file=${file}`;
  const sizesOnly = (why: string) => {
    notes.push(`${why}: showing chromosome sizes only, without sequence.`);
    return { id: job.id, chromSizesURL: url('sizes') };
  };
  const { vcf, sample, coords } = job.input;
  if (vcf !== undefined && coords === 'variety') {
    return sizesOnly(`job ${job.id}'s results are in the coordinates of variety ${sample} (built from a VCF on the reference), whose sequence is not stored`);
  }
  if (vcf !== undefined) notes.push(`The sequence shown is the reference; variety ${sample} differs from it at the variants of its VCF (the results are in reference coordinates).`);
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
