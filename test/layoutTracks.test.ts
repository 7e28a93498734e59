import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseManifest, segmentGeometry } from '../src/models/manifest.js';
import { ContigPacker } from '../src/segmenting/contigPacker.js';

// Layout tracks (input_segment, input_position): a segment-masked model packs contigs with no gap.

const v7 = JSON.parse(readFileSync(new URL('../../models/centromere/7/model.json', import.meta.url), 'utf8'));
const identity = { log1p: false, mean: 0, std: 1 };
const layout = [{ name: 'input_segment', source: 'layout', normalization: identity }, { name: 'input_position', source: 'layout', normalization: identity }];
const withTracks = (tracks: object[], output: object = { probabilities: 'probs' }) => ({ ...v7, input: { ...v7.input, tracks }, output });

test('manifest: layout tracks are the last two, both or neither, and exclude a range head', () => {
  const m = parseManifest(withTracks([...v7.input.tracks, ...layout]), 'm');
  assert.deepEqual(m.input.kind === 'tracks' && m.input.tracks.slice(-2).map((t) => t.source), ['layout', 'layout']);
  assert.equal(segmentGeometry(m).packGapBins, 0);
  // Without layout tracks, a blended transformer does not pack.
  assert.equal(segmentGeometry(parseManifest(v7, 'm')).packGapBins, undefined);
  assert.throws(() => parseManifest(withTracks([...v7.input.tracks, layout[0]!]), 'm'), /both layout tracks \(input_segment, input_position\) or neither/);
  assert.throws(() => parseManifest(withTracks([...layout, ...v7.input.tracks]), 'm'), /layout tracks must be the last two, input_segment then input_position/);
  assert.throws(() => parseManifest(withTracks([...v7.input.tracks, ...layout], { probabilities: 'probs', ranges: 'ranges' }), 'm'), /output.ranges cannot be combined with layout tracks/);
  assert.throws(() => parseManifest(withTracks([...v7.input.tracks, { ...layout[0], source: 'layouts' }, layout[1]]), 'm'), /source must be "bigwig", "layout" or one of/);
});

test('ContigPacker without a gap: contigs back to back, each with its single-pass start', () => {
  const packer = new ContigPacker({ binBp: 100, segmentBins: 10, contextBins: 2, packGapBins: 0 }); // inputs of 14 bins
  const a = packer.add({ name: 'a', length: 250 }); // bins 0-2
  const b = packer.add({ name: 'b', length: 1000 }); // bins 3-12
  const c = packer.add({ name: 'c', length: 200 }); // 13 + 2 > 14: a new input
  assert.deepEqual([a.segment.inputStart, b.segment.inputStart, c.segment.inputStart], [0, -300, 0]);
  assert.deepEqual(c.closed?.segments.map((s) => s.chrom), ['a', 'b']);
  assert.deepEqual([a, b, c].map((x) => x.segment.singlePassStartBin), [2, 2, 2]);
});
