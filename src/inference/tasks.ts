/** Messages between the main thread and inference workers (plain data, transferable buffers). */

export type Provider = 'cpu' | 'cuda';

/** What a worker needs to create (and cache) an ONNX Runtime session. */
export interface SessionSpec {
  onnxPath: string;
  provider: Provider;
  intraOpThreads: number;
  /** ONNX Runtime's CPU memory arena (EngineOptions.cpuMemArena). */
  cpuMemArena: boolean;
  /** Release the session after this many milliseconds without a batch (EngineOptions.releaseIdleMs; Infinity: never). */
  releaseIdleMs: number;
  inputName: string;
  outputName: string;
  /** Optional range-head output, [count, 3, bins]. */
  rangesName?: string;
  labels: number;
  /** Sequence models: average with the reverse-complement pass (see reverseComplement.ts). */
  reverseComplementAverage?: boolean;
}

export interface SequenceBatchTask {
  kind: 'sequence';
  encoding: 'onehot' | 'bytes';
  session: SessionSpec;
  /** `count` segments of `inputBp` ASCII bases each, back to back. */
  bases: Uint8Array;
  count: number;
  inputBp: number;
  binBp: number;
}

export interface TrackBatchTask {
  kind: 'tracks';
  session: SessionSpec;
  /** `count` segments of [tracks, inputBins] normalized values, back to back. */
  values: Float32Array;
  count: number;
  tracks: number;
  inputBins: number;
}

/**
 * When the main thread handed the batch to the pool, as epoch milliseconds
 * (performance.timeOrigin + performance.now(), comparable across threads): the worker
 * reports how long the batch queued before it started.
 */
export type BatchTask = (SequenceBatchTask | TrackBatchTask) & {
  dispatchedAt: number;
  /** Release the session once this batch is done (a start-up check, not the start of work). */
  releaseAfter?: boolean;
};

export interface BatchResult {
  /** [count, labels, bins] probabilities. */
  probs: Float32Array;
  bins: number;
  /** Range head, [count, 3, bins], when the model has one. */
  ranges?: Float32Array;
  /** Sequence models: 1 for each input bin without any A/C/G/T base, [count, inputBp / binBp]. */
  gapBins?: Uint8Array;
  /** The task's input buffer (bases or values), handed back for reuse. */
  input: ArrayBuffer;
  /** Milliseconds spent in session.run and in encoding. */
  inferMs: number;
  encodeMs: number;
  /** Milliseconds between dispatch and the worker starting the batch (pool + worker queue). */
  queueWaitMs: number;
}
