import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobRecord } from '../../jobs/jobRecord.js';
import type { ServerContext } from '../context.js';

/** The genome files of a job the browser page reads (sizes: chrom.sizes made from the result). */
export const GENOME_FILES = ['fasta', 'fai', 'gzi', 'sizes'] as const;
export type GenomeFile = (typeof GENOME_FILES)[number];

/** Where a job's genome files are now; a file that is not there (any more) is undefined. */
export interface JobGenomePaths {
  fasta?: string;
  fai?: string;
  gzi?: string;
}

const isFile = async (path: string) => (await stat(path).catch(() => undefined))?.isFile() ?? false;

/**
 * A dataset job's genome is read where its paths point, confined by the server's data roots
 * again at every request (as a job's run confines them): a root removed since the
 * submission, or a symlink now leading out of it, answers 403 like a submission would. An
 * upload job's genome lives in its directory until it finishes, then it is removed with
 * the rest of its input (only its results are kept).
 */
export async function jobGenomePaths(ctx: ServerContext, job: JobRecord): Promise<JobGenomePaths> {
  const { input } = job;
  if (input.source === 'upload') {
    const dir = ctx.store.jobDir(job.id);
    const present = async (p: string | undefined) => (p !== undefined && (await isFile(join(dir, p))) ? join(dir, p) : undefined);
    return { fasta: await present(input.fasta), fai: await present(input.fai), gzi: await present(input.gzi) };
  }
  const found = async (requested: string, field: string) => {
    const file = await ctx.dataRoots.locate(requested, field);
    return file.exists ? file.path : undefined;
  };
  return {
    fasta: await found(input.fasta, 'fasta'),
    fai: await found(input.fai ?? `${input.fasta}.fai`, 'fai'),
    gzi: await found(input.gzi ?? `${input.fasta}.gzi`, 'gzi'),
  };
}

/** Why a job's genome file cannot be sent, in words the user can act on. */
export function genomeMissingMessage(job: JobRecord, file: Exclude<GenomeFile, 'sizes'>): string {
  if (job.input.source === 'upload') {
    return `job ${job.id}'s genome was uploaded with it and removed when the job finished (only results are kept); submit the genome as dataset paths under a --data-root to browse it with its sequence`;
  }
  const named = file === 'fasta' ? job.input.fasta : file === 'fai' ? (job.input.fai ?? `${job.input.fasta}.fai`) : (job.input.gzi ?? `${job.input.fasta}.gzi`);
  return `job ${job.id}'s genome file '${named}' (${file}) is no longer under the server's data roots`;
}
