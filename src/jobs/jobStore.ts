import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import { AtomicFile } from '../writers/atomicFile.js';
import type { JobRecord } from './jobRecord.js';

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isJobId = (id: string) => ID_PATTERN.test(id);

/**
 * Jobs on disk, one directory each under `<state>/jobs/`: `job.json` (the record, replaced
 * atomically on every change), `input/` (uploaded files, removed once the job finishes) and
 * the results `result.bed`, `result[.label].bedgraph` (written atomically by runPrediction).
 * Nothing else to start: the directory is the database.
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

  /** Writes the record (its directory created first); resolves once it is on disk. */
  save(job: JobRecord): Promise<void> {
    const snapshot = JSON.stringify(job, null, 2) + '\n';
    const previous = this.writes.get(job.id) ?? Promise.resolve();
    const write = previous.then(() => AtomicFile.writeText(join(this.jobDir(job.id), 'job.json'), snapshot));
    const settled = write.catch(() => undefined);
    this.writes.set(job.id, settled);
    void settled.then(() => this.writes.get(job.id) === settled && this.writes.delete(job.id));
    return write;
  }

  /** Removes everything of a job (a submission that failed before it was recorded). */
  async remove(id: string): Promise<void> {
    await rm(this.jobDir(id), { recursive: true, force: true });
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
   * Every stored job. Leftovers of a killed process are cleared: temporary files of
   * interrupted writes, and directories whose record was never written.
   */
  async loadAll(log: (line: string) => void): Promise<JobRecord[]> {
    await mkdir(this.dir, { recursive: true });
    const jobs: JobRecord[] = [];
    for (const id of (await readdir(this.dir)).sort()) {
      if (!isJobId(id)) continue;
      const dir = this.jobDir(id);
      const files = await readdir(dir).catch(() => [] as string[]);
      await Promise.all(files.filter((f) => f.startsWith('.') && f.endsWith('.tmp')).map((f) => rm(join(dir, f), { force: true })));
      let job: JobRecord;
      try {
        job = JSON.parse(await readFile(join(dir, 'job.json'), 'utf8')) as JobRecord;
      } catch (err) {
        log(`job ${id}: no readable job.json (${errorMessage(err)}); removing its directory`);
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      if (job.id !== id) {
        log(`job ${id}: job.json names job ${job.id}; skipping it`);
        continue;
      }
      jobs.push(job);
    }
    return jobs;
  }
}
