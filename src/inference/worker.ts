/**
 * Piscina worker: owns its ONNX Runtime sessions (sessions cannot be shared across threads),
 * encodes a batch of segments and runs it. Results go back as transferred buffers.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import * as ort from 'onnxruntime-node';
import { encodeOneHot, markGapBins } from '../encoding/onehot.js';
import { averageWithFlipped, reverseComplementSegments } from './reverseComplement.js';
import type { BatchResult, BatchTask, SequenceBatchTask, SessionSpec } from './tasks.js';
import { lowerThisThreadPriority } from './threadPriority.js';

// Throughput work: the main thread, which feeds and drains the workers, goes first (threadPriority.ts).
lowerThisThreadPriority();

/** A session this worker holds, and when a batch last used it (performance.now()). */
interface HeldSession {
  session: Promise<ort.InferenceSession>;
  lastUsed: number;
}

const sessions = new Map<string, HeldSession>();
/** Reused one-hot input buffer (zeroed after each run): a fresh multi-MB array per batch costs page faults. */
let onehotBuffer = new Float32Array(0);
/** Reused reverse-complement bases (reverse_complement_average). */
let rcBuffer = new Uint8Array(0);

function sessionKey(spec: SessionSpec): string {
  return `${spec.onnxPath}\0${spec.provider}\0${spec.intraOpThreads}\0${spec.cpuMemArena}`;
}

function session(spec: SessionSpec): Promise<ort.InferenceSession> {
  const key = sessionKey(spec);
  let held = sessions.get(key);
  if (!held) {
    held = {
      session: ort.InferenceSession.create(spec.onnxPath, {
        executionProviders: [spec.provider],
        intraOpNumThreads: spec.intraOpThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        // See EngineOptions.cpuMemArena: on for throughput; idle release gives its memory back.
        enableCpuMemArena: spec.cpuMemArena,
      }),
      lastUsed: performance.now(),
    };
    sessions.set(key, held);
  }
  held.lastUsed = performance.now();
  if (Number.isFinite(spec.releaseIdleMs)) scheduleRelease(spec.releaseIdleMs);
  return held.session;
}

/** Tasks run one after another: two at once would fight over the cores and the buffer. */
let queue: Promise<unknown> = Promise.resolve();

function enqueue<T>(work: () => Promise<T>): Promise<T> {
  const result = queue.then(work);
  queue = result.catch(() => undefined);
  return result;
}

export default function runBatch(task: BatchTask): Promise<unknown> {
  const result = enqueue(() => runOne(task));
  if (task.releaseAfter) {
    const key = sessionKey(task.session);
    void enqueue(() => release(key));
  }
  return result;
}

/*
 * Idle release (EngineOptions.releaseIdleMs). ONNX Runtime's CPU arena keeps a session's
 * largest batch's memory for the session's life and Node's binding has no run option to
 * shrink it, so a session unused for releaseIdleMs is released, which frees its arena (and the
 * reused encoding buffers go with it); the next batch of that model creates it again. Under
 * steady load nothing is released, so throughput keeps the arena's speed.
 */
let releaseTimer: NodeJS.Timeout | undefined;

function scheduleRelease(idleMs: number, delayMs = idleMs): void {
  if (releaseTimer) return;
  // unref: a pending release never keeps a finished worker (or process) alive.
  releaseTimer = setTimeout(() => {
    releaseTimer = undefined;
    // In the task queue, so a release never overlaps a batch using that session.
    void enqueue(() => releaseIdle(idleMs));
  }, delayMs).unref();
}

/** Releases every session unused for `idleMs`; re-arms for those still in use. */
async function releaseIdle(idleMs: number): Promise<void> {
  const now = performance.now();
  let oldestKept = Number.POSITIVE_INFINITY;
  for (const [key, held] of sessions) {
    if (now - held.lastUsed < idleMs) oldestKept = Math.min(oldestKept, held.lastUsed);
    else await release(key);
  }
  if (sessions.size > 0) scheduleRelease(idleMs, Math.max(1, oldestKept + idleMs - now));
}

async function release(key: string): Promise<void> {
  const held = sessions.get(key);
  if (!held) return;
  sessions.delete(key);
  // A session that failed to create has nothing to release (its batch reported the error).
  await (await held.session.catch(() => undefined))?.release();
  if (sessions.size === 0) {
    onehotBuffer = new Float32Array(0);
    rcBuffer = new Uint8Array(0);
  }
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
