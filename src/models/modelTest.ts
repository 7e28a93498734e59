import * as ort from 'onnxruntime-node';
import { encodeOneHot } from '../encoding/onehot.js';
import { normalizeTrack } from '../encoding/trackNormalization.js';
import { ModelError, errorMessage } from '../errors.js';
import type { Manifest } from './manifest.js';

/**
 * Runs the manifest's `test` block through ONNX Runtime (CPU) and refuses the model unless
 * every expected probability is reproduced within `atol`.
 */
export async function runModelTest(manifest: Manifest, onnxPath: string, key: string): Promise<void> {
  const fail = (what: string) => new ModelError('model_test_failed', `model ${key}: test block failed: ${what}; refusing to load it`);
  const { input, test } = manifest;
  let tensor: ort.Tensor;
  if (input.kind === 'sequence') {
    const bases = new Uint8Array(Buffer.from(test.sequence ?? '', 'latin1'));
    if (input.encoding === 'bytes') {
      tensor = new ort.Tensor('uint8', bases, [1, bases.length]);
    } else {
      const onehot = new Float32Array(4 * bases.length);
      encodeOneHot(bases, onehot);
      tensor = new ort.Tensor('float32', onehot, [1, 4, bases.length]);
    }
  } else {
    const rows = input.tracks.map((t) => test.tracks?.[t.name]);
    const bins = rows[0]?.length ?? 0;
    if (rows.some((r) => !r || r.length !== bins)) throw fail('test.tracks must give every input track, all of one length');
    const values = new Float32Array(input.tracks.length * bins);
    input.tracks.forEach((t, i) => values.set(normalizeTrack(Float32Array.from(rows[i]!), t.normalization), i * bins));
    tensor = new ort.Tensor('float32', values, [1, input.tracks.length, bins]);
  }
  let probs: ort.Tensor | undefined;
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    probs = (await session.run({ [input.tensor]: tensor }))[manifest.output.probabilities];
  } catch (err) {
    throw fail(`ONNX Runtime could not run it: ${errorMessage(err).split('\n')[0]}`);
  } finally {
    await session?.release();
  }
  if (!probs) throw fail(`no output named ${manifest.output.probabilities}`);
  const [, labels, bins] = probs.dims.map(Number);
  const expected = test.expected;
  if (labels !== expected.length || expected.some((row) => row.length !== bins)) {
    throw fail(`output shape [${probs.dims.join(', ')}] does not match expected [1, ${expected.length}, ${expected[0]?.length}]`);
  }
  const data = probs.data as Float32Array;
  for (let l = 0; l < labels; l++) {
    for (let b = 0; b < bins!; b++) {
      const got = data[l * bins! + b]!;
      const want = expected[l]![b]!;
      if (!(Math.abs(got - want) <= test.atol)) {
        throw fail(`${manifest.labels[l]} bin ${b}: got ${got}, expected ${want} (atol ${test.atol})`);
      }
    }
  }
}
