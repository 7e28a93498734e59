import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { encodeOneHot } from '../src/encoding/onehot.js';
import { InferenceEngine } from '../src/inference/engine.js';
import { ModelRepository, type LoadedModel } from '../src/models/repository.js';
import { openGenomeInput } from '../src/pipeline/genomeInput.js';
import { predictChromosomes } from '../src/pipeline/predictChromosomes.js';
import type { StitchedChromosome } from '../src/stitching/chromosomeStitcher.js';
import { exampleCpgReference, gapBins, BIN_BP } from './exampleModelReference.js';
import { MODELS, sh, tempDir } from './helpers.js';

// chrA: ≥ 5 Mb and not a multiple of the 100-kb segment nor of the 100-bp bin;
// chrB: shorter than one segment; chrC: exactly three segments.
const CHROMOSOMES = [
  { name: 'chrA', length: 5_123_457 },
  { name: 'chrB', length: 49_999 },
  { name: 'chrC', length: 300_000 },
];

let tmp: ReturnType<typeof tempDir>;
// Version 1 takes one-hot input built by the engine, version 2 FASTA bytes it encodes in-graph.
const VERSIONS = ['1', '2'] as const;
const models = new Map<string, LoadedModel>();
let engine: InferenceEngine;
let fasta: string;
let bgzipFasta: string;

/** Reads one chromosome's bases from a plain FASTA written by writeExampleGenome. */
function chromosomeSequence(path: string, name: string): string {
  return sh('samtools', ['faidx', path, name]).split('\n').slice(1).join('');
}

/** Model version 1 run once over the whole chromosome (zero-padded to a whole bin), no segmenting. */
async function onePass(sequence: string): Promise<Float32Array[]> {
  const model = models.get('1')!;
  const padded = Math.ceil(sequence.length / BIN_BP) * BIN_BP;
  const bases = Buffer.alloc(padded, 'N');
  bases.write(sequence, 'latin1');
  const onehot = new Float32Array(4 * padded);
  encodeOneHot(bases, onehot);
  const session = await ort.InferenceSession.create(model.onnxPath, { intraOpNumThreads: 2 });
  try {
    const out = await session.run({ onehot: new ort.Tensor('float32', onehot, [1, 4, padded]) });
    const probs = out.probs!.data as Float32Array;
    const bins = padded / BIN_BP;
    return [0, 1, 2].map((l) => probs.slice(l * bins, (l + 1) * bins));
  } finally {
    await session.release();
  }
}

async function stitchAll(path: string, version: string): Promise<StitchedChromosome[]> {
  const model = models.get(version)!;
  const input = await openGenomeInput({ fasta: path }, model);
  const all: StitchedChromosome[] = [];
  try {
    for await (const group of predictChromosomes(engine, model, input)) all.push(...group);
  } finally {
    await input.close();
  }
  return all;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

before(async () => {
  tmp = tempDir();
  fasta = join(tmp.dir, 'genome.fa');
  await writeExampleGenome(fasta, CHROMOSOMES, 11);
  bgzipFasta = join(tmp.dir, 'genome.fa.gz');
  sh('sh', ['-c', `bgzip -c '${fasta}' > '${bgzipFasta}' && samtools faidx '${bgzipFasta}'`]);
  for (const v of VERSIONS) models.set(v, await new ModelRepository(MODELS).load(`example-cpg@${v}`));
  engine = await InferenceEngine.create({ workers: 2, device: 'cpu', probeModelPath: models.get('1')!.onnxPath });
});

after(async () => {
  await engine?.close();
  tmp?.cleanup();
});

for (const [kind, version] of [['plain', '1'], ['bgzip', '1'], ['plain', '2'], ['bgzip', '2']] as const) {
  test(`stitched output equals one pass over each whole chromosome (${kind} FASTA, example-cpg@${version})`, async () => {
    const stitched = await stitchAll(kind === 'plain' ? fasta : bgzipFasta, version);
    assert.deepEqual(
      stitched.map((s) => [s.chrom.name, s.chrom.length]),
      CHROMOSOMES.map((c) => [c.name, c.length]),
    );
    for (const s of stitched) {
      const sequence = chromosomeSequence(fasta, s.chrom.name);
      assert.equal(sequence.length, s.chrom.length);
      const reference = exampleCpgReference(sequence);
      // The engine zeroes bins without a single base (assembly gaps); so does the expectation.
      const gaps = gapBins(sequence);
      assert.ok(gaps.includes(1), 'the fixture has an assembly gap');
      const single = (await onePass(sequence)).map((p) => p.map((v, i) => (gaps[i] ? 0 : v)));
      assert.equal(s.probs[0]!.length, Math.ceil(s.chrom.length / BIN_BP));
      for (let l = 0; l < 3; l++) {
        const vsOnePass = maxAbsDiff(single[l]!, s.probs[l]!);
        assert.ok(vsOnePass <= 1e-5, `${kind} ${s.chrom.name} ${s.labels[l]}: max |stitched − one pass| = ${vsOnePass}`);
        const vsReference = maxAbsDiff(s.probs[l]!, reference[l]!);
        assert.ok(vsReference <= 1e-5, `${kind} ${s.chrom.name} ${s.labels[l]}: max |stitched − reference| = ${vsReference}`);
      }
    }
  });
}

test('the example genome and model give calls where the planted features are', async () => {
  const [chrA] = await stitchAll(fasta, '2');
  // Sanity of the fixture itself: some bins of every label are called, most are not.
  for (let l = 0; l < 3; l++) {
    const p = chrA!.probs[l]!;
    const called = p.filter((v) => v >= 0.5).length;
    assert.ok(called > 10 && called < p.length / 4, `${chrA!.labels[l]}: ${called} of ${p.length} bins ≥ 0.5`);
  }
  // The assembly gap (a run of N at 40% of the chromosome) is all zero.
  const gapBin = Math.ceil((CHROMOSOMES[0]!.length * 0.4) / BIN_BP) + 10;
  assert.deepEqual([0, 1, 2].map((l) => chrA!.probs[l]![gapBin]), [0, 0, 0]);
  assert.match(readFileSync(`${fasta}.fai`, 'utf8'), /^chrA\t5123457\t/);
});
