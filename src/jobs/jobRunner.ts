import { errorMessage } from '../errors.js';
import { JOB_STATES, isFinished, type JobRecord, type JobState } from './jobRecord.js';
import type { JobStore } from './jobStore.js';

export interface JobExecution {
  signal: AbortSignal;
  onProgress: (basesDone: number, basesTotal: number) => void;
}

/** Runs one job's prediction and says what it produced; throws on failure or abort. */
export type JobExecutor = (job: JobRecord, execution: JobExecution) => Promise<NonNullable<JobRecord['result']>>;

export interface JobRunnerOptions {
  /** Jobs waiting to run beyond which submissions are refused. */
  maxQueued: number;
  /** Jobs run at once (they share the one worker pool, and its batches). */
  maxRunning: number;
  /** A failed job's error as the client will read it, plus its kind for the errors metric. */
  describeError: (err: unknown, jobId: string) => { error: string; message: string; kind: string };
  onFailure?: (kind: string) => void;
  log: (line: string) => void;
  /** Trouble an operator should see (a job record quarantined); `log` when not given. */
  warn?: (line: string) => void;
}

/** Thrown by submit() when the queue is full; the HTTP layer answers 429 with Retry-After. */
export class QueueFullError extends Error {
  constructor(
    readonly maxQueued: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`the job queue is full (${maxQueued} jobs waiting); retry in about ${retryAfterSeconds} s`);
  }
}

type StopReason = 'cancel' | 'shutdown';

/**
 * The job queue and its runner. Every change of a job is saved (JobStore) before it is
 * reported, so after a crash or restart finished jobs keep their results and unfinished
 * ones (queued or running) are queued again, in submission order, and run from the start.
 */
export class JobRunner {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly queue: string[] = [];
  private readonly running = new Map<string, { controller: AbortController; finished: Promise<void> }>();
  /** Submissions accepted whose files are still being moved into place: they hold queue places. */
  private reserved = 0;
  private started = false;
  private stopping = false;
  /** Recent run times, for the Retry-After estimate. */
  private recentRunSeconds: number[] = [];

  constructor(
    private readonly store: JobStore,
    private readonly execute: JobExecutor,
    private readonly options: JobRunnerOptions,
  ) {}

  /** Loads the stored jobs; unfinished ones go back in the queue (they run once start() is called). */
  async restore(): Promise<void> {
    const stored = await this.store.loadAll(this.options.warn ?? this.options.log);
    stored.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
    for (const job of stored) {
      this.jobs.set(job.id, job);
      // A finished job's inputs are removed after its record says so: a crash in between leaves them.
      if (isFinished(job.state)) {
        await this.store.removeInputs(job.id);
        continue;
      }
      if (job.state === 'running') this.options.log(`job ${job.id} was interrupted while running (attempt ${job.attempts}); queued again`);
      job.state = 'queued';
      job.progress.basesDone = 0;
      await this.store.save(job);
      this.queue.push(job.id);
    }
  }

  /** Starts running queued jobs (after the models are ready). */
  start(): void {
    this.started = true;
    this.pump();
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  get queueDepth(): number {
    return this.queue.length + this.reserved;
  }

  counts(): Record<JobState, number> {
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    for (const job of this.jobs.values()) counts[job.state]++;
    return counts;
  }

  /** Throws QueueFullError when a submission would not be taken now (checked before an upload is read). */
  checkCapacity(): void {
    if (this.stopping) throw new QueueFullError(this.options.maxQueued, 30);
    if (this.queueDepth >= this.options.maxQueued) throw new QueueFullError(this.options.maxQueued, this.retryAfterSeconds());
  }

  /**
   * Takes a new job: once it is certain to be accepted, its record (with the uploaded files
   * in `inputDir`, moved into the job's directory) is stored durably, then it is queued.
   */
  async submit(job: JobRecord, inputDir?: string): Promise<JobRecord> {
    this.checkCapacity();
    this.reserved++;
    try {
      await this.store.create(job, inputDir);
    } finally {
      this.reserved--;
    }
    this.jobs.set(job.id, job);
    this.queue.push(job.id);
    this.pump();
    return job;
  }

  /** Cancels a queued or running job; returns it once it is cancelled (or finished first). */
  async cancel(id: string): Promise<JobRecord | undefined> {
    const job = this.jobs.get(id);
    if (!job || isFinished(job.state)) return job;
    const run = this.running.get(id);
    if (run) {
      run.controller.abort('cancel' satisfies StopReason);
      await run.finished;
      return job;
    }
    this.queue.splice(this.queue.indexOf(id), 1);
    job.state = 'cancelled';
    job.finishedAt = new Date().toISOString();
    await this.store.save(job);
    await this.store.removeInputs(id);
    return job;
  }

  /**
   * For shutdown: starts nothing more, lets running jobs finish for up to `graceMs`, then
   * stops the rest and leaves them queued (saved), so the next start runs them again.
   */
  async drain(graceMs: number): Promise<void> {
    this.stopping = true;
    const all = () => Promise.all([...this.running.values()].map((r) => r.finished));
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([all(), timeUp]);
    clearTimeout(timer);
    for (const r of this.running.values()) r.controller.abort('shutdown' satisfies StopReason);
    await all();
  }

  private pump(): void {
    while (this.started && !this.stopping && this.running.size < this.options.maxRunning && this.queue.length > 0) {
      const id = this.queue.shift()!;
      const job = this.jobs.get(id);
      if (!job || job.state !== 'queued') continue;
      const controller = new AbortController();
      const finished = this.run(job, controller.signal)
        // Only the store failing (disk full, permissions) gets here: the job stays as last saved.
        .catch((err: unknown) => this.options.log(`job ${id}: could not record its state: ${String(err)}`))
        .finally(() => {
          this.running.delete(id);
          this.pump();
        });
      this.running.set(id, { controller, finished });
    }
  }

  private async run(job: JobRecord, signal: AbortSignal): Promise<void> {
    job.state = 'running';
    job.attempts++;
    job.startedAt = new Date().toISOString();
    job.progress.basesDone = 0;
    delete job.error;
    delete job.result;
    const t0 = performance.now();
    try {
      await this.store.save(job);
      await this.store.removeResults(job.id); // an interrupted attempt's leftovers
      const result = await this.execute(job, {
        signal,
        onProgress: (done, total) => {
          job.progress = { basesDone: done, basesTotal: total };
        },
      });
      if (signal.aborted) throw new Error('aborted');
      job.result = result;
      job.state = 'done';
    } catch (err) {
      if (signal.aborted && signal.reason === 'shutdown') {
        job.state = 'queued';
        job.progress.basesDone = 0;
        delete job.startedAt;
        await this.store.removeResults(job.id);
        await this.store.save(job);
        this.options.log(`job ${job.id} stopped by shutdown; it stays queued for the next start`);
        return;
      }
      await this.store.removeResults(job.id);
      if (signal.aborted) {
        job.state = 'cancelled';
      } else {
        const { kind, ...error } = this.options.describeError(err, job.id);
        job.state = 'failed';
        job.error = error;
        this.options.onFailure?.(kind);
        // The raw error too: for a bug the client only reads "internal error".
        this.options.log(`job ${job.id} failed: ${error.message}${kind === 'internal' ? ` (${errorMessage(err)})` : ''}`);
      }
    }
    job.finishedAt = new Date().toISOString();
    job.runSeconds = (performance.now() - t0) / 1000;
    if (job.state === 'done') this.recentRunSeconds = [...this.recentRunSeconds.slice(-9), job.runSeconds];
    // Record first: a crash before the inputs are gone leaves inputs (removed at the next
    // start), never a job whose record still says running but whose inputs are gone.
    await this.store.save(job);
    await this.store.removeInputs(job.id);
  }

  /** About how long until the queue has room: mean recent run time × waiting jobs ÷ parallel runs. */
  private retryAfterSeconds(): number {
    const n = this.recentRunSeconds.length;
    const mean = n ? this.recentRunSeconds.reduce((a, b) => a + b, 0) / n : 5;
    return Math.min(600, Math.max(1, Math.ceil((mean * Math.max(1, this.queueDepth - this.options.maxQueued + 1)) / this.options.maxRunning)));
  }
}
