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
  /** Stored path → the client's name for it (upload: `'genome.fa' (field fasta)`). */
  labels?: Record<string, string>;
}

/** A job as stored (one JSON file) and as GET /v1/jobs/:id returns it. */
export interface JobRecord {
  id: string;
  /** `name/version`: the version resolved at submission, so a restart runs the same model. */
  model: string;
  state: JobState;
  input: JobInput;
  regions?: Partial<RegionParams>;
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
