import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InferenceEngine, type SegmentOutput } from '../src/inference/engine.js';
import { ModelRepository, type LoadedModel } from '../src/models/repository.js';
import { engineOptions } from '../src/cli/args.js';
import { runCli } from './helpers.js';

// Issue 13: ONNX Runtime's CPU arena keeps a session's largest batch for the session's life
// (centromere@5 at batch 8: 150–330 MB per worker). Idle sessions are released and recreated on
// demand; these tests watch the process's resident memory and the outputs across a release.

const MB = 2 ** 20;
const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Well below what one centromere@5 session's arena holds after a batch of 8 (its attention scores alone are 8 × 4 × 768² floats, 75 MB; 150–330 MB measured). */
const ARENA_DROP = 100 * MB;

async function batch(engine: InferenceEngine, model: LoadedModel): Promise<SegmentOutput[]> {
  const { geometry } = model;
  const tracks = model.manifest.input.kind === 'tracks' ? model.manifest.input.tracks.length : 0;
  const inputBins = geometry.segmentBins + 2 * geometry.contextBins;
  return Promise.all(
    Array.from({ length: 8 }, (_, k) => {
      const values = engine.segmentValues(tracks * inputBins);
      // Deterministic, varied input: each segment its own sawtooth.
      for (let i = 0; i < values.length; i++) values[i] = ((i * (k + 3)) % 17) / 8 - 1;
      return engine.run(model, { kind: 'tracks', values });
    }),
  );
}

test('a session idle for releaseIdleMs gives its arena back, and the next batch recreates it with the same outputs', async () => {
  const model = await new ModelRepository().load('centromere@5');
  const engine = await InferenceEngine.create({ workers: 1, device: 'cpu', probeModelPath: model.onnxPath, releaseIdleMs: 500 });
  try {
    const first = (await batch(engine, model)).map((o) => Float32Array.from(o.probs));
    const busy = rss();
    await sleep(2000);
    const idle = rss();
    assert.ok(busy - idle >= ARENA_DROP, `RSS ${(busy / MB).toFixed(0)} MB after the batch, ${(idle / MB).toFixed(0)} MB idle`);
    const again = await batch(engine, model);
    again.forEach((o, k) => assert.deepEqual(o.probs, first[k], `segment ${k} after the session was recreated`));
    assert.ok(rss() - idle >= ARENA_DROP, 'the recreated session holds its arena again while in use');
  } finally {
    await engine.close();
  }
});

test('a start-up check releases its sessions at once; without release they stay (releaseIdleMs Infinity)', async () => {
  const model = await new ModelRepository().load('centromere@5');
  const engine = await InferenceEngine.create({ workers: 1, device: 'cpu', probeModelPath: model.onnxPath, releaseIdleMs: Number.POSITIVE_INFINITY });
  try {
    const before = rss();
    await engine.warmUp(model, 1, true);
    await sleep(500);
    const released = rss();
    await engine.warmUp(model, 1, false);
    await sleep(1500);
    const kept = rss();
    assert.ok(kept - released >= ARENA_DROP, `before ${(before / MB).toFixed(0)} MB, after a released check ${(released / MB).toFixed(0)} MB, after a kept warm-up ${(kept / MB).toFixed(0)} MB`);
  } finally {
    await engine.close();
  }
});

test('--release-idle-seconds takes seconds >= 0 (0: never) and refuses anything else as a usage error', () => {
  for (const bad of ['-1', 'abc', '', '1e999']) {
    const r = runCli(['predict', '--model', 'example-cpg', '--fasta', 'x.fa', '--out', 'x.bed', '--release-idle-seconds', bad]);
    assert.equal(r.status, 2, `'${bad}': ${r.stderr}`);
    assert.match(r.stderr, /--release-idle-seconds must be a number of seconds ≥ 0 \(0: never\)/);
  }
  assert.deepEqual([engineOptions({ 'release-idle-seconds': '0' }).releaseIdleMs, engineOptions({ 'release-idle-seconds': '2.5' }).releaseIdleMs, engineOptions({}).releaseIdleMs], [Number.POSITIVE_INFINITY, 2500, undefined]);
});
