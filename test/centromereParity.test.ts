import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { normalizeTrack } from '../src/encoding/trackNormalization.js';
import { ModelRepository } from '../src/models/repository.js';
import { MODELS, python } from './helpers.js';

/**
 * ONNX parity: the exported centromere model run by onnxruntime-node agrees with the PyTorch
 * model (models/centromere/<version>/model.pt, the architecture in train.py) on the
 * manifest's test input, for both heads (the probabilities only for a segment-masked model,
 * whose test input packs two contigs and padding through its layout tracks), within 1e-4.
 */
const VERSIONS = readdirSync(join(MODELS, 'centromere')).filter((v) => existsSync(join(MODELS, 'centromere', v, 'model.pt')));

for (const version of VERSIONS) test(`centromere@${version}: PyTorch and onnxruntime-node agree on the test input`, async () => {
  const model = await new ModelRepository(MODELS).load(`centromere@${version}`);
  const { manifest } = model;
  assert.equal(manifest.input.kind, 'tracks');
  if (manifest.input.kind !== 'tracks') return;
  const tracks = manifest.input.tracks;
  const bins = manifest.test.tracks![tracks[0]!.name]!.length;
  const values = new Float32Array(tracks.length * bins);
  tracks.forEach((t, i) => values.set(normalizeTrack(Float32Array.from(manifest.test.tracks![t.name]!), t.normalization), i * bins));

  const session = await ort.InferenceSession.create(model.onnxPath, { intraOpNumThreads: 1 });
  const out = await session.run({ [manifest.input.tensor]: new ort.Tensor('float32', values, [1, tracks.length, bins]) });
  await session.release();
  const ranges = manifest.output.ranges ? [...(out[manifest.output.ranges]!.data as Float32Array)] : [];
  const onnx = [...(out[manifest.output.probabilities]!.data as Float32Array), ...ranges];
  const masked = tracks.some((t) => t.source === 'layout');

  const dir = join(MODELS, 'centromere', manifest.version);
  const torchOut = JSON.parse(
    python(
      `import json, sys
sys.path.insert(0, sys.argv[1])
import torch
from train import CentromereModel
cfg = json.load(open(sys.argv[2] + '/train_config.json'))
m = CentromereModel(cfg['d_model'], cfg['nhead'], cfg['layers'], cfg['ff'], n_features=${tracks.length - (masked ? 2 : 0)}, masked=${masked ? 'True' : 'False'})
m.load_state_dict(torch.load(sys.argv[2] + '/model.pt'))
m.eval()
x = torch.tensor(json.load(sys.stdin)).view(1, ${tracks.length}, ${bins})
with torch.no_grad():
    p, r = m(x)
print(json.dumps(p.flatten().tolist() + (${masked ? '[]' : 'r.flatten().tolist()'})))`,
      [join(MODELS, 'centromere'), dir],
      JSON.stringify([...values]),
    ),
  ) as number[];
  assert.equal(torchOut.length, onnx.length);
  const maxDiff = Math.max(...onnx.map((v, i) => Math.abs(v - torchOut[i]!)));
  assert.ok(maxDiff <= 1e-4, `max |onnx − torch| = ${maxDiff}`);
  // The test input holds a tandem-array-like stretch (bins 16–31): not a trivially flat output.
  const probs = onnx.slice(0, bins);
  assert.ok(Math.max(...probs) - Math.min(...probs) > 0.1);
});
