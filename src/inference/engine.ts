import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { LoadedModel } from '../models/repository.js';
import { FeatureComputer } from '../features/featureComputer.js';
import { Batcher } from './batcher.js';
import { BufferPool } from './bufferPool.js';
import { chooseExecutionProvider, probeCuda, type Device } from './executionProvider.js';
import { Slots } from './slots.js';
import type { BatchResult, BatchTask, Provider, SequenceBatchTask, SessionSpec, TrackBatchTask } from './tasks.js';

/** EngineOptions.releaseIdleMs's default. */
export const DEFAULT_RELEASE_IDLE_MS = 10_000;

export interface EngineOptions {
  /** Worker threads, each with its own ONNX Runtime sessions. Default: cores. */
  workers?: number;
  /** Intra-op threads per worker session. Default: max(1, floor(cores / workers)). */
  threadsPerWorker?: number;
  device?: Device;
  /** A model to probe the CUDA provider with (any valid ONNX file). */
  probeModelPath: string;
  maxBatch?: number;
  maxWaitMs?: number;
  /**
   * ONNX Runtime's CPU memory arena (default true). It never gives memory back: every session
   * holds its largest batch's tensors for the life of the process (3.66 GB idle with every
   * bundled model warm on 2 workers; 369 MB without it). Without it, every batch allocates
   * afresh: measured side by side, example-cpg ran 2.5× and histone 1.6× slower, so it stays on.
   */
  cpuMemArena?: boolean;
  /**
   * Each worker releases a model's session after this many milliseconds without a batch of
   * it (default 10 s), which gives its CPU arena back: an idle server with every bundled model
   * holds ~0.25 GB instead of 3.6 GB. The next batch creates the session again (a few hundred
   * ms once). Under steady load nothing is released. Infinity: kept for the life of the process.
   */
  releaseIdleMs?: number;
  log?: (line: string) => void;
  /** Called on the main thread after every batch with the worker's timings (the server's metrics). */
  onBatch?: (batch: BatchStats) => void;
}

/** One finished batch as a worker measured it. */
export interface BatchStats {
  /** `name/version`. */
  model: string;
  segments: number;
  inferMs: number;
  encodeMs: number;
  /** From dispatch to the worker starting the batch. */
  queueWaitMs: number;
}

/** One segment's model output: [labels, bins] probabilities over its whole input window. */
export interface SegmentOutput {
  probs: Float32Array;
  bins: number;
  /** Range head, [3, bins], when the model has one. */
  ranges?: Float32Array;
  /** Sequence models: 1 for each input bin (context included) without any A/C/G/T base. */
  gapBins?: Uint8Array;
}

/** Per-segment input as the producer builds it. */
export type SegmentInput = { kind: 'sequence'; bases: Uint8Array } | { kind: 'tracks'; values: Float32Array };

export interface EngineStats {
  batches: number;
  segments: number;
  inferMs: number;
  encodeMs: number;
}

/**
 * The worker pool plus one batcher per model. Created once per process and shared by every
 * request (CLI run, HTTP request, bulk job), so batches mix chromosomes and requests and
 * `slots` bounds the segments held in memory across all of them.
 */
export class InferenceEngine {
  readonly provider: Provider;
  readonly workers: number;
  readonly threadsPerWorker: number;
  readonly slots: Slots;
  readonly stats: EngineStats = { batches: 0, segments: 0, inferMs: 0, encodeMs: 0 };
  private readonly pool: Piscina<BatchTask, BatchResult>;
  private readonly batchers = new Map<string, Batcher<SegmentInput, SegmentOutput>>();
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;
  private readonly cpuMemArena: boolean;
  private readonly releaseIdleMs: number;
  /** Batches handed to the pool and not yet returned. */
  private running = 0;
  /** Segment and batch input buffers, reused (see BufferPool). */
  private readonly buffers = new BufferPool();
  private featureComputer: FeatureComputer | undefined;
  private readonly onBatch: EngineOptions['onBatch'];

  private constructor(provider: Provider, options: EngineOptions) {
    const cores = availableParallelism();
    this.provider = provider;
    this.workers = Math.max(1, options.workers ?? cores);
    this.threadsPerWorker = Math.max(1, options.threadsPerWorker ?? Math.floor(cores / this.workers));
    this.maxBatch = Math.max(1, options.maxBatch ?? 8);
    this.maxWaitMs = options.maxWaitMs ?? 5;
    this.cpuMemArena = options.cpuMemArena ?? true;
    this.releaseIdleMs = options.releaseIdleMs ?? DEFAULT_RELEASE_IDLE_MS;
    this.onBatch = options.onBatch;
    // Enough segments in flight to keep every worker busy with one batch queued behind it.
    this.slots = new Slots(this.workers * this.maxBatch * 2);
    this.pool = new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: this.workers,
      maxThreads: this.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      // A second task waits inside the worker, so it starts the moment the first ends
      // instead of after a round trip through a (busy) main thread; the worker runs them
      // one at a time.
      concurrentTasksPerWorker: 2,
      // Not 'sync' (piscina's default): that blocks an idle worker's event loop in
      // Atomics.wait, so its idle-release timer (releaseIdleMs) would never fire.
      atomics: 'async',
    });
  }

  static async create(options: EngineOptions): Promise<InferenceEngine> {
    const choice = await chooseExecutionProvider(options.device ?? 'auto', () => probeCuda(options.probeModelPath));
    const engine = new InferenceEngine(choice.provider, options);
    options.log?.(`${choice.note}; ${engine.workers} worker(s) × ${engine.threadsPerWorker} intra-op thread(s)`);
    return engine;
  }

  /**
   * A buffer for one segment's bases, from the pool; `run()` gives it back once the segment
   * has been copied into its batch. Its ArrayBuffer has 1/16 spare room, so a FASTA reader
   * can read the raw lines (bases + line ends) in place and squeeze the line ends out.
   */
  segmentBases(bp: number): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.buffers.take(bp + Math.ceil(bp / 16) + 64), 0, bp);
  }

  segmentValues(count: number): Float32Array<ArrayBuffer> {
    return new Float32Array(this.buffers.take(count * 4));
  }

  /** Runs one segment of `model`, batched with whatever else is pending for that model. */
  run(model: LoadedModel, input: SegmentInput): Promise<SegmentOutput> {
    let batcher = this.batchers.get(model.key);
    if (!batcher) {
      batcher = new Batcher((items) => this.runBatch(model, items), {
        maxBatch: this.maxBatch,
        maxWaitMs: this.maxWaitMs,
        idle: () => this.running < this.workers,
      });
      this.batchers.set(model.key, batcher);
    }
    return batcher.submit(input);
  }

  /**
   * `report`: false for warm-up batches, which are not work anyone asked for (onBatch).
   * `releaseAfter`: the worker releases the session once the batch is done.
   */
  private async runBatch(model: LoadedModel, items: SegmentInput[], report = true, releaseAfter = false): Promise<SegmentOutput[]> {
    const { manifest, geometry } = model;
    const session: SessionSpec = {
      onnxPath: model.onnxPath,
      provider: this.provider,
      intraOpThreads: this.threadsPerWorker,
      cpuMemArena: this.cpuMemArena,
      releaseIdleMs: this.releaseIdleMs,
      inputName: manifest.input.tensor,
      outputName: manifest.output.probabilities,
      rangesName: manifest.output.ranges,
      labels: manifest.labels.length,
      reverseComplementAverage: manifest.input.kind === 'sequence' && manifest.input.reverse_complement_average === true,
    };
    const count = items.length;
    const inputBins = geometry.segmentBins + 2 * geometry.contextBins;
    let task: SequenceBatchTask | TrackBatchTask;
    if (manifest.input.kind === 'sequence') {
      const inputBp = inputBins * geometry.binBp;
      const bases = new Uint8Array(this.buffers.take(count * inputBp));
      items.forEach((it, k) => it.kind === 'sequence' && bases.set(it.bases, k * inputBp));
      task = {
        kind: 'sequence',
        encoding: manifest.input.encoding,
        session,
        bases,
        count,
        inputBp,
        binBp: geometry.binBp,
      };
    } else {
      const tracks = manifest.input.tracks.length;
      const values = new Float32Array(this.buffers.take(count * tracks * inputBins * 4));
      items.forEach((it, k) => it.kind === 'tracks' && values.set(it.values, k * tracks * inputBins));
      task = { kind: 'tracks', session, values, count, tracks, inputBins };
    }
    for (const it of items) this.buffers.give((it.kind === 'sequence' ? it.bases : it.values).buffer as ArrayBuffer);
    const transfer = task.kind === 'sequence' ? task.bases.buffer : task.values.buffer;
    this.running++;
    let result: BatchResult;
    try {
      const dispatched: BatchTask = { ...task, dispatchedAt: performance.timeOrigin + performance.now(), releaseAfter };
      result = await this.pool.run(dispatched, { transferList: [transfer as ArrayBuffer] });
    } finally {
      this.running--;
    }
    this.buffers.give(result.input);
    this.stats.batches++;
    this.stats.segments += count;
    this.stats.inferMs += result.inferMs;
    this.stats.encodeMs += result.encodeMs;
    if (report) this.onBatch?.({ model: model.key, segments: count, inferMs: result.inferMs, encodeMs: result.encodeMs, queueWaitMs: result.queueWaitMs });
    const labels = manifest.labels.length;
    const per = labels * result.bins;
    return items.map((_, k) => ({
      probs: result.probs.subarray(k * per, (k + 1) * per),
      bins: result.bins,
      ranges: result.ranges?.subarray(k * 3 * result.bins, (k + 1) * 3 * result.bins),
      gapBins: result.gapBins?.subarray(k * inputBins, (k + 1) * inputBins),
    }));
  }

  /**
   * Runs a few full batches of `model` on every worker, so each has created its session and
   * ONNX Runtime has planned and touched its memory for the real batch shape (its first
   * runs are several times slower) before work arrives. With `release`, each worker releases
   * the session after its batches: a server checks at start-up that every model runs at its
   * batch shape without holding every model's arena at once (idle release would free them
   * only later; at start-up they would add up to several GB).
   */
  async warmUp(model: LoadedModel, rounds = 3, release = false): Promise<void> {
    const { geometry, manifest } = model;
    const inputBins = geometry.segmentBins + 2 * geometry.contextBins;
    const segment = (): SegmentInput =>
      manifest.input.kind === 'sequence'
        ? { kind: 'sequence', bases: this.segmentBases(inputBins * geometry.binBp).fill(0x41).fill(0x47, 0, 1000) }
        : { kind: 'tracks', values: this.segmentValues(manifest.input.tracks.length * inputBins).fill(0) };
    for (let r = 0; r < rounds; r++) {
      const last = release && r === rounds - 1;
      await Promise.all(Array.from({ length: this.workers }, () => this.runBatch(model, Array.from({ length: this.maxBatch }, segment), false, last)));
    }
  }

  /** The k-mer feature workers (for models with computed tracks), started on first use. */
  get features(): FeatureComputer {
    this.featureComputer ??= new FeatureComputer(this.workers);
    return this.featureComputer;
  }

  /** Worker utilization in [0, 1] as piscina measures it. */
  get utilization(): number {
    return this.pool.utilization;
  }

  async close(): Promise<void> {
    for (const b of this.batchers.values()) b.flush();
    await Promise.all([this.pool.destroy(), this.featureComputer?.close()]);
  }

  /**
   * close(), once the inputs still in the workers are back (up to `waitMs`): a stopped run leaves
   * its last batches there, and terminating a worker inside session.run aborts the process.
   */
  async closeWhenIdle(waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    while (this.slots.inUse > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await this.close();
  }
}
