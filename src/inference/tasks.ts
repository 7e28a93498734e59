/** Messages between the main thread and inference workers (plain data, transferable buffers). */

export type Provider = 'cpu' | 'cuda';

/** What a worker needs to create (and cache) an ONNX Runtime session. */
export interface SessionSpec {
  onnxPath: string;
  provider: Provider;
  intraOpThreads: number;
  inputName: string;
  outputName: string;
  labels: number;
}

export interface SequenceBatchTask {
  kind: 'sequence';
  session: SessionSpec;
  /** `count` segments of `inputBp` ASCII bases each, back to back. */
  bases: Uint8Array;
  count: number;
  inputBp: number;
  binBp: number;
  /** Core bins per segment (bins after the left context), for the valid-base counts. */
  contextBins: number;
  segmentBins: number;
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

export type BatchTask = SequenceBatchTask | TrackBatchTask;

export interface BatchResult {
  /** [count, labels, bins] probabilities. */
  probs: Float32Array;
  bins: number;
  /** Sequence models: A/C/G/T bases per core bin, [count, segmentBins]. */
  validBases?: Uint16Array;
  /** Milliseconds spent in session.run and in encoding. */
  inferMs: number;
  encodeMs: number;
}
