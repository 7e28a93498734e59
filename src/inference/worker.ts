/**
 * Piscina worker: owns its ONNX Runtime sessions (sessions cannot be shared across threads),
 * encodes a batch of segments and runs it. Results go back as transferred buffers.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import * as ort from 'onnxruntime-node';
import { encodeOneHot, markGapBins } from '../encoding/onehot.js';
import { averageWithFlipped, reverseComplementSegments } from './reverseComplement.js';
import type { BatchResult, BatchTask, SequenceBatchTask, SessionSpec } from './tasks.js';

const sessions = new Map<string, Promise<ort.InferenceSession>>();
/** Reused one-hot input buffer (zeroed after each run): a fresh multi-MB array per batch costs page faults. */
let onehotBuffer = new Float32Array(0);
/** Reused reverse-complement bases (reverse_complement_average). */
let rcBuffer = new Uint8Array(0);

function session(spec: SessionSpec): Promise<ort.InferenceSession> {
  const key = `${spec.onnxPath}\0${spec.provider}\0${spec.intraOpThreads}\0${spec.cpuMemArena}`;
  let s = sessions.get(key);
  if (!s) {
    s = ort.InferenceSession.create(spec.onnxPath, {
      executionProviders: [spec.provider],
      intraOpNumThreads: spec.intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // See EngineOptions.cpuMemArena: on for throughput, at the cost of idle memory.
      enableCpuMemArena: spec.cpuMemArena,
    });
    sessions.set(key, s);
  }
  return s;
}

/** Tasks run one after another: two at once would fight over the cores and the buffer. */
let queue: Promise<unknown> = Promise.resolve();

export default function runBatch(task: BatchTask): Promise<unknown> {
  const result = queue.then(() => runOne(task));
  queue = result.catch(() => undefined);
  return result;
}

/** The model's input tensor for a sequence batch (bytes as they are, or one-hot into the reused buffer). */
function sequenceInput(task: SequenceBatchTask, bases: Uint8Array): ort.Tensor {
  const { count, inputBp } = task;
  if (task.encoding === 'bytes') return new ort.Tensor('uint8', bases, [count, inputBp]);
  if (onehotBuffer.length < count * 4 * inputBp) onehotBuffer = new Float32Array(count * 4 * inputBp);
  const onehot = onehotBuffer.subarray(0, count * 4 * inputBp);
  for (let k = 0; k < count; k++) encodeOneHot(bases.subarray(k * inputBp, (k + 1) * inputBp), onehot, k * 4 * inputBp);
  return new ort.Tensor('float32', onehot, [count, 4, inputBp]);
}

/** Runs the session; a one-hot input buffer is zeroed afterwards for its next use. */
async function run(s: ort.InferenceSession, name: string, input: ort.Tensor, task: BatchTask): Promise<ort.InferenceSession.OnnxValueMapType> {
  try {
    return await s.run({ [name]: input });
  } finally {
    // memset is far cheaper than re-walking the bases to undo the encoding.
    if (input.type === 'float32' && task.kind === 'sequence') (input.data as Float32Array).fill(0);
  }
}

async function runOne(task: BatchTask) {
  const queueWaitMs = Math.max(0, performance.timeOrigin + performance.now() - task.dispatchedAt);
  const s = await session(task.session);
  const t0 = performance.now();
  let input: ort.Tensor;
  let gapBins: Uint8Array | undefined;
  const { count } = task;
  if (task.kind === 'sequence') {
    // Over the whole input, not only the core: packed contigs sit anywhere in it.
    const { inputBp, binBp } = task;
    const inputBins = inputBp / binBp;
    gapBins = new Uint8Array(count * inputBins);
    for (let k = 0; k < count; k++) markGapBins(task.bases.subarray(k * inputBp, (k + 1) * inputBp), 0, inputBins, binBp, gapBins, k * inputBins);
    input = sequenceInput(task, task.bases);
  } else {
    input = new ort.Tensor('float32', task.values, [task.count, task.tracks, task.inputBins]);
  }
  const t1 = performance.now();
  const out = await run(s, task.session.inputName, input, task);
  let reverse: ort.InferenceSession.OnnxValueMapType | undefined;
  if (task.kind === 'sequence' && task.session.reverseComplementAverage) {
    if (rcBuffer.length < task.bases.length) rcBuffer = new Uint8Array(task.bases.length);
    const rc = rcBuffer.subarray(0, task.bases.length);
    reverseComplementSegments(task.bases, count, task.inputBp, rc);
    reverse = await run(s, task.session.inputName, sequenceInput(task, rc), task);
  }
  const t2 = performance.now();
  const probs = out[task.session.outputName];
  if (!probs) throw new Error(`model output ${task.session.outputName} not found (has ${Object.keys(out).join(', ')})`);
  const dims = probs.dims;
  if (dims.length !== 3 || dims[0] !== task.count || dims[1] !== task.session.labels) {
    throw new Error(`model output ${task.session.outputName} has shape [${dims.join(', ')}], expected [${task.count}, ${task.session.labels}, bins]`);
  }
  // Copy out of ONNX Runtime's buffer so the result can be transferred (it is small: labels × bins).
  const data = new Float32Array(probs.data as Float32Array);
  if (reverse) averageWithFlipped(data, reverse[task.session.outputName]!.data as Float32Array, count * task.session.labels, Number(dims[2]));
  let ranges: Float32Array | undefined;
  if (task.session.rangesName) {
    const r = out[task.session.rangesName];
    if (!r || r.dims.length !== 3 || r.dims[1] !== 3 || r.dims[2] !== dims[2]) {
      throw new Error(`model output ${task.session.rangesName} must have shape [${task.count}, 3, ${dims[2]}]`);
    }
    ranges = new Float32Array(r.data as Float32Array);
  }
  const inputBuffer = (task.kind === 'sequence' ? task.bases.buffer : task.values.buffer) as ArrayBuffer;
  const result: BatchResult = { probs: data, bins: Number(dims[2]), ranges, gapBins, input: inputBuffer, inferMs: t2 - t1, encodeMs: t1 - t0, queueWaitMs };
  const buffers: ArrayBuffer[] = [data.buffer as ArrayBuffer, inputBuffer];
  if (ranges) buffers.push(ranges.buffer as ArrayBuffer);
  if (gapBins) buffers.push(gapBins.buffer as ArrayBuffer);
  return move({
    get [transferableSymbol]() {
      return buffers;
    },
    get [valueSymbol]() {
      return result;
    },
  } as never);
}
