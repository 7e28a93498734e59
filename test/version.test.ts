/**
 * `genomeinfer --version` is package.json's version, and what pipelines keep next to their
 * results records it with the model versions: every annotate.json marker and /v1/models.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, runCli, tempDir } from './helpers.js';
import { FAST_MODEL, simulatePanel, subManifest } from './panelFixtures.js';
import { startServer } from './serverHarness.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let tmp: ReturnType<typeof tempDir>;

before(() => {
  tmp = tempDir('genomeinfer-version-');
});

after(() => tmp.cleanup());

test('genomeinfer --version prints the version in package.json', () => {
  const r = runCli(['--version']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `genomeinfer ${VERSION}\n`);
  assert.match(runCli(['--help']).stdout, /genomeinfer --version/);
});

test('annotate.json records the genomeinfer version and each model version', () => {
  const manifest = subManifest(simulatePanel(join(tmp.dir, 'panel'), 1), 'one.tsv', 1);
  const out = join(tmp.dir, 'out');
  const r = runCli(['annotate', '--manifest', manifest, '--out', out, ...FAST_MODEL]);
  assert.equal(r.status, 0, r.stderr);
  const marker = JSON.parse(readFileSync(join(out, 'V1/annotate.json'), 'utf8'));
  assert.equal(marker.genomeinfer, VERSION);
  assert.deepEqual(marker.models.map((m: { key: string; name: string; version: string }) => [m.key, m.name, m.version]), [['example-cpg@2', 'example-cpg', '2']]);
});

test('/v1/models answers with the genomeinfer version next to the model versions', async () => {
  const server = await startServer(join(tmp.dir, 'state'), ['--model', 'example-cpg'], {}, { ready: false });
  try {
    for (const path of ['/v1/models', '/v1/models/example-cpg']) {
      const body = (await (await fetch(`${server.url}${path}`)).json()) as { genomeinfer: string; models: { ref: string; version: string }[] };
      assert.equal(body.genomeinfer, VERSION, path);
      assert.deepEqual(body.models.map((m) => [m.ref, m.version]), [['example-cpg@1', '1'], ['example-cpg@2', '2']], path);
    }
  } finally {
    await server.stop();
  }
});
