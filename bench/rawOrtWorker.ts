/**
 * Raw ONNX Runtime baseline for bench/engine.ts: a plain worker thread that one-hot encodes
 * its batches up front, then, on 'go', calls session.run on them back to back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { encodeOneHot } from '../src/encoding/onehot.js';

const { onnxPath, batches, inputBp } = workerData as { onnxPath: string; batches: Uint8Array[]; inputBp: number };
const session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
const tensors = batches.map((bases) => {
  const count = bases.length / inputBp;
  const onehot = new Float32Array(count * 4 * inputBp);
  for (let k = 0; k < count; k++) encodeOneHot(bases.subarray(k * inputBp, (k + 1) * inputBp), onehot, k * 4 * inputBp);
  return new ort.Tensor('float32', onehot, [count, 4, inputBp]);
});
await session.run({ onehot: tensors[0]! }); // warm-up, like the pipeline's
parentPort!.on('message', async () => {
  const t0 = performance.now();
  for (const t of tensors) await session.run({ onehot: t });
  parentPort!.postMessage(performance.now() - t0);
});
parentPort!.postMessage('ready');
