/**
 * Raw ONNX Runtime baseline for bench/engine.ts: a plain worker thread that builds its input
 * tensors up front (one-hot encoded, or the bytes as they are, per the model's encoding),
 * then, on 'go', calls session.run on them back to back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { encodeOneHot } from '../src/encoding/onehot.js';

const { onnxPath, batches, inputBp, encoding, tensorName, threads } = workerData as {
  threads: number;
  onnxPath: string;
  batches: Uint8Array[];
  inputBp: number;
  encoding: 'onehot' | 'bytes';
  tensorName: string;
};
const session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
const tensors = batches.map((bases) => {
  const count = bases.length / inputBp;
  if (encoding === 'bytes') return new ort.Tensor('uint8', bases, [count, inputBp]);
  const onehot = new Float32Array(count * 4 * inputBp);
  for (let k = 0; k < count; k++) encodeOneHot(bases.subarray(k * inputBp, (k + 1) * inputBp), onehot, k * 4 * inputBp);
  return new ort.Tensor('float32', onehot, [count, 4, inputBp]);
});
await session.run({ [tensorName]: tensors[0]! }); // warm-up, like the pipeline's
parentPort!.on('message', async () => {
  const t0 = performance.now();
  for (const t of tensors) await session.run({ [tensorName]: t });
  parentPort!.postMessage(performance.now() - t0);
});
parentPort!.postMessage('ready');
