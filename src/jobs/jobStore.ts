import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import { AtomicFile, syncDirectory } from '../writers/atomicFile.js';
import type { JobRecord } from './jobRecord.js';
import { jobRecordProblems } from './jobRecordCheck.js';

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isJobId = (id: string) => ID_PATTERN.test(id);

const RECORD = 'job.json';
/** Where an unreadable record is kept (quarantined) when a failed record replaces it. */
export const QUARANTINED_RECORD = 'job.json.unreadable';
/** A job directory being assembled; it becomes `<id>` in one rename once its record is on disk. */
const STAGING_PREFIX = '.new-';

/**
 * Jobs on disk, one directory each under `<state>/jobs/`: `job.json` (the record, replaced
 * atomically on every change), `input/` (uploaded files, removed once the job finishes) and
 * the results `result.bed`, `result[.label].bedgraph` (written atomically by runPrediction).
 * Nothing else to start: the directory is the database. Every write is synced (file, then
 * directory) before it is reported, so an accepted job survives a power loss.
 */
export class JobStore {
  readonly dir: string;
  /** Per job, the last write: writes of one record happen in order. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'jobs');
  }

  jobDir(id: string): string {
    return join(this.dir, id);
  }

  inputDir(id: string): string {
    return join(this.jobDir(id), 'input');
  }

  resultStem(id: string): string {
    return join(this.jobDir(id), 'result');
  }

  /**
   * Stores a new job: its directory is assembled under a hidden name (the record, and the
   * uploaded files moved in from `inputDir`) and renamed into place, so a job directory
   * never exists without its record. Resolves once all of it is on disk.
   */
  async create(job: JobRecord, inputDir?: string): Promise<void> {
    const staging = join(this.dir, `${STAGING_PREFIX}${job.id}`);
    await mkdir(staging, { recursive: true });
    try {
      if (inputDir) {
        await syncTree(inputDir);
        await rename(inputDir, join(staging, 'input'));
      }
      await AtomicFile.writeText(join(staging, RECORD), recordText(job));
      await rename(staging, this.jobDir(job.id));
      await syncDirectory(this.dir);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
  }

  /** Rewrites the record; resolves once it is on disk. */
  save(job: JobRecord): Promise<void> {
    const snapshot = recordText(job);
    const previous = this.writes.get(job.id) ?? Promise.resolve();
    const write = previous.then(() => AtomicFile.writeText(join(this.jobDir(job.id), RECORD), snapshot));
    const settled = write.catch(() => undefined);
    this.writes.set(job.id, settled);
    void settled.then(() => this.writes.get(job.id) === settled && this.writes.delete(job.id));
    return write;
  }

  async removeInputs(id: string): Promise<void> {
    await rm(this.inputDir(id), { recursive: true, force: true });
  }

  /** Removes a job's results (and any half-written temporary files of an interrupted run). */
  async removeResults(id: string): Promise<void> {
    const files = await readdir(this.jobDir(id)).catch(() => [] as string[]);
    await Promise.all(files.filter((f) => f.startsWith('result') || f.startsWith('.result')).map((f) => rm(join(this.jobDir(id), f), { force: true })));
  }

  /**
   * Every stored job. Temporary files of interrupted writes are cleared, and so are job
   * directories still being assembled (never acknowledged to a client). A record that
   * cannot be read is quarantined, never deleted: it is kept as job.json.unreadable, the
   * job's other files stay, and a failed record saying why takes its place.
   */
  async loadAll(log: (line: string) => void): Promise<JobRecord[]> {
    await mkdir(this.dir, { recursive: true });
    const jobs: JobRecord[] = [];
    for (const name of (await readdir(this.dir)).sort()) {
      if (name.startsWith(STAGING_PREFIX)) {
        log(`job ${name.slice(STAGING_PREFIX.length)}: its submission was interrupted before it was accepted; removing it`);
        await rm(join(this.dir, name), { recursive: true, force: true });
      } else if (isJobId(name)) {
        jobs.push(await this.load(name, log));
      }
    }
    return jobs;
  }

  private async load(id: string, log: (line: string) => void): Promise<JobRecord> {
    const dir = this.jobDir(id);
    const files = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(files.filter((f) => f.startsWith('.') && f.endsWith('.tmp')).map((f) => rm(join(dir, f), { force: true })));
    let parsed: unknown;
    let reason: string;
    try {
      parsed = JSON.parse(await readFile(join(dir, RECORD), 'utf8'));
      const problems = jobRecordProblems(parsed, id);
      if (problems.length === 0) return parsed as JobRecord;
      reason = `job.json is not a valid job record: ${problems.join('; ')}`;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      reason =
        code === 'ENOENT'
          ? 'job.json is missing'
          : code === 'EISDIR'
            ? 'job.json is a directory'
            : err instanceof SyntaxError
              ? `job.json is not valid JSON (${err.message})`
              : `job.json cannot be read (${code ?? errorMessage(err)})`; // the code only: clients read this, not server paths
    }
    // The reason is quoted to clients and logs: no raw bytes of a garbled file in it.
    return this.quarantine(id, reason.replace(/[^\x20-\x7e]/g, '?'), parsed, log);
  }

  /** Keeps the unreadable record under another name and stores a failed record in its place. */
  private async quarantine(id: string, reason: string, parsed: unknown, log: (line: string) => void): Promise<JobRecord> {
    const dir = this.jobDir(id);
    const old = (parsed ?? {}) as Partial<Record<keyof JobRecord, unknown>>;
    const keptAs = await freeName(dir, QUARANTINED_RECORD);
    const now = new Date().toISOString();
    const job: JobRecord = {
      id,
      model: typeof old.model === 'string' && old.model ? old.model : 'unknown',
      state: 'failed',
      input: { source: 'upload', fasta: 'unknown' },
      progress: { basesDone: 0, basesTotal: 0 },
      attempts: Number.isInteger(old.attempts) && (old.attempts as number) >= 0 ? (old.attempts as number) : 0,
      submittedAt: typeof old.submittedAt === 'string' && !Number.isNaN(Date.parse(old.submittedAt)) ? old.submittedAt : now,
      finishedAt: now,
      error: {
        error: 'job_record_unreadable',
        message: `the server could not read this job's stored record (${reason}), so it cannot tell what the job was or run it; the record was kept as ${keptAs} in the job's directory, with any results, for an administrator. Submit the job again.`,
      },
      quarantine: { file: keptAs, reason },
    };
    try {
      const s = await stat(dir);
      if (!s.isDirectory()) throw new Error('the job path is not a directory');
      if (await exists(join(dir, RECORD))) await rename(join(dir, RECORD), join(dir, keptAs));
      await syncDirectory(dir);
      await this.save(job);
      log(`job ${id}: ${reason}; quarantined: kept as ${keptAs}, answered as failed`);
    } catch (err) {
      // Served as failed from memory; the files stay exactly as they were.
      log(`job ${id}: ${reason}; it could not be quarantined on disk (${errorMessage(err)}); answered as failed, files left as they are`);
    }
    return job;
  }
}

const recordText = (job: JobRecord) => JSON.stringify(job, null, 2) + '\n';

const exists = (path: string) => stat(path).then(
  () => true,
  () => false,
);

/** `name`, or `name.2`, `name.3`, … : the first not taken in `dir` (a record quarantined twice keeps both). */
async function freeName(dir: string, name: string): Promise<string> {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? name : `${name}.${i}`;
    if (!(await exists(join(dir, candidate)))) return candidate;
  }
}

/** Syncs every file in `dir` (and `dir` itself): the uploaded inputs of a job about to be accepted. */
async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) {
      const fh = await open(join(dir, entry.name), 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  }
  await syncDirectory(dir);
}
