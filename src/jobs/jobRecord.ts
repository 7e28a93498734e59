import type { RegionParams } from '../regions/callRegions.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'failed', 'cancelled'];
export const isFinished = (state: JobState) => state === 'done' || state === 'failed' || state === 'cancelled';

/**
 * The genome a job reads. `upload`: files received with the submission, kept in the job's
 * own directory (names relative to it) until the job finishes. `dataset`: paths under the
 * server's data roots, as the client gave them (resolved and confined again at each run).
 */
export interface JobInput {
  source: 'upload' | 'dataset';
  fasta: string;
  fai?: string;
  gzi?: string;
  tracks?: Record<string, string>;
  /** A variety given as a VCF sample on the reference `fasta` (dataset jobs; see predict --vcf). */
  vcf?: string;
  sample?: string;
  haplotype?: string;
  coords?: 'reference' | 'variety';
  /** Stored path → the client's name for it (upload: `'genome.fa' (field fasta)`). */
  labels?: Record<string, string>;
}

/**
 * What an attribution job (POST /v1/attribution past the synchronous size) computes instead of a
 * prediction: in-silico mutagenesis of [start, end) of `chrom` (0-based) for `label`, its TSV
 * holding the `top` positions.
 */
export interface AttributionSpec {
  chrom: string;
  start: number;
  end: number;
  label: string;
  top: number;
}

/** A job as stored (one JSON file) and as GET /v1/jobs/:id returns it. */
export interface JobRecord {
  id: string;
  /** `name/version`: the version resolved at submission, so a restart runs the same model. */
  model: string;
  state: JobState;
  input: JobInput;
  regions?: Partial<RegionParams>;
  /** Set for an attribution job (results: the attribution files, not BED/bedGraph/bigWig). */
  attribution?: AttributionSpec;
  progress: { basesDone: number; basesTotal: number };
  /** How many times it was started (a restart interrupting a run starts it again). */
  attempts: number;
  submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Seconds of the last attempt's run, once finished. */
  runSeconds?: number;
  error?: { error: string; message: string };
  result?: { regions: number; chromosomes: number; bases: number; labels: string[] };
  /** Set when the stored record could not be read: it was kept under `file` and this failed record took its place. */
  quarantine?: { file: string; reason: string };
}
