import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StitchedChromosome } from '../src/stitching/chromosomeStitcher.js';
import { AtomicFile } from '../src/writers/atomicFile.js';
import { formatProbability, stageBedGraph } from '../src/writers/bedGraph.js';
import { mulberry32 } from '../src/simulate/random.js';
import { tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
before(() => {
  tmp = tempDir('genomeinfer-bedgraph-');
});
after(() => tmp.cleanup());

/** The bedGraph lines by their definition: runs of equal toFixed(6) strings, the last clipped to the chromosome. */
function expectedLines(name: string, length: number, binBp: number, p: Float32Array): string {
  let out = '';
  for (let b = 0; b < p.length; ) {
    const value = p[b]!.toFixed(6);
    let e = b + 1;
    while (e < p.length && p[e]!.toFixed(6) === value) e++;
    out += `${name}\t${b * binBp}\t${Math.min(e * binBp, length)}\t${value}\n`;
    b = e;
  }
  return out;
}

async function written(chromosomes: { name: string; length: number; probs: Float32Array }[], binBp: number): Promise<string> {
  const path = join(tmp.dir, `t${Math.random().toString(16).slice(2)}.bedgraph`);
  const file = await AtomicFile.create(path);
  await file.write('track type=bedGraph\n');
  for (const c of chromosomes) {
    const s: StitchedChromosome = { chrom: { name: c.name, length: c.length }, binBp, labels: ['x'], probs: [c.probs] };
    stageBedGraph(file, s, 0);
    await file.flush();
  }
  await file.commit();
  return readFileSync(path, 'utf8');
}

test('staged bedGraph lines equal toFixed(6) runs: ties, rounding up to the next unit, signs, large and odd values', async () => {
  const f32 = (x: number) => Math.fround(x);
  const edge = [
    0, -0, 1, 0.5, 2 ** -7 /* 0.0078125: a tie, rounds up to 0.007813 */, 3 * 2 ** -7, f32(0.9999995), f32(0.0000005), f32(0.00000049),
    f32(0.1), f32(0.7), -f32(1e-9) /* "-0.000000" */, -f32(0.25), -(2 ** -7), 123.5, f32(99_999_999), f32(1e8), f32(3e9), 1e30, f32(1e-30),
    Infinity, -Infinity, NaN, 0.0003706061, 0.9999999,
  ];
  const rand = mulberry32(11);
  const random = Float32Array.from({ length: 20_000 }, (_, i) => (i % 7 === 0 ? 0.5 : i % 3 === 0 ? rand() * 1e-5 : rand()));
  // Equal neighbours of different bits (1e-7 apart) merge by their formatted value.
  const plateaus = Float32Array.from({ length: 3_000 }, (_, i) => f32(0.25 + Math.floor(i / 10) * 1e-6 + (i % 2) * 1e-8));
  const chromosomes = [
    { name: 'chr1', length: edge.length * 100 - 37, probs: Float32Array.from(edge) },
    { name: 'scaffold_ä_2', length: 2_000_000, probs: random },
    { name: 'chrEmpty', length: 0, probs: new Float32Array(0) },
    { name: 'chrPlateaus', length: 300_000, probs: plateaus },
  ];
  const got = await written(chromosomes, 100);
  const want = 'track type=bedGraph\n' + chromosomes.map((c) => expectedLines(c.name, c.length, 100, c.probs)).join('');
  assert.equal(got, want);
  // The edge values really are what toFixed writes (the definition the writer keeps).
  assert.ok(got.includes('chr1\t400\t500\t0.007813\n'), 'a tie rounds up, as toFixed does');
  assert.ok(got.includes('\t-0.000000\n') && got.includes('\t0.000000\n'), '-0.000000 and 0.000000 are different values');
  assert.equal(formatProbability(2 ** -7), '0.007813');
});

test('20,000 one-line scaffolds fill several staging buffers; bytes and order stay those of the definition', async () => {
  const rand = mulberry32(3);
  const chromosomes = Array.from({ length: 20_000 }, (_, i) => {
    const length = 100 + Math.floor(rand() * 1_900);
    const bins = Math.ceil(length / 100);
    return { name: `scaffold_${i}`, length, probs: Float32Array.from({ length: bins }, () => (rand() < 0.5 ? 0.0003706061 : rand())) };
  });
  const got = await written(chromosomes, 100);
  assert.ok(got.length > 4 * 64 * 1024, 'more than a few staging buffers');
  assert.equal(got, 'track type=bedGraph\n' + chromosomes.map((c) => expectedLines(c.name, c.length, 100, c.probs)).join(''));
});
