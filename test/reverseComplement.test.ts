import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { InferenceEngine } from '../src/inference/engine.js';
import { ModelRepository, type LoadedModel } from '../src/models/repository.js';
import { openGenomeInput } from '../src/pipeline/genomeInput.js';
import { predictChromosomes } from '../src/pipeline/predictChromosomes.js';
import type { StitchedChromosome } from '../src/stitching/chromosomeStitcher.js';
import { BIN_BP, gapBins } from './exampleModelReference.js';
import { MODELS, sh, tempDir } from './helpers.js';

// Whole bins (so the reverse strand's bins line up with the forward ones), one chromosome
// longer than a 100-kb segment and one shorter.
const CHROMOSOMES = [
  { name: 'chrR', length: 250_000 },
  { name: 'chrS', length: 37_300 },
];

let tmp: ReturnType<typeof tempDir>;
let engine: InferenceEngine;
let model: LoadedModel;
let fasta: string;

/** Reverse complement written out independently of src/: ACGT (either case) paired, anything else N. */
function reverseComplement(seq: string): string {
  const pair: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A', a: 't', c: 'g', g: 'c', t: 'a' };
  let out = '';
  for (let i = seq.length - 1; i >= 0; i--) out += pair[seq[i]!] ?? 'N';
  return out;
}

/** example-cpg@2 (FASTA bytes in) run once over a whole sequence: [label][bin]. */
async function onePass(session: ort.InferenceSession, seq: string): Promise<Float32Array[]> {
  const bytes = new Uint8Array(Buffer.from(seq, 'latin1'));
  const out = await session.run({ bases: new ort.Tensor('uint8', bytes, [1, bytes.length]) });
  const probs = out.probs!.data as Float32Array;
  const bins = seq.length / BIN_BP;
  return [0, 1, 2].map((l) => probs.slice(l * bins, (l + 1) * bins));
}

before(async () => {
  tmp = tempDir();
  fasta = join(tmp.dir, 'genome.fa');
  await writeExampleGenome(fasta, CHROMOSOMES, 23);
  // The same ONNX file and manifest as example-cpg@2, with reverse-complement averaging on.
  const dir = join(tmp.dir, 'models', 'example-cpg', '2');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(MODELS, 'example-cpg', '2', 'model.onnx'), join(dir, 'model.onnx'));
  const manifest = JSON.parse(readFileSync(join(MODELS, 'example-cpg', '2', 'model.json'), 'utf8'));
  manifest.input.reverse_complement_average = true;
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
  model = await new ModelRepository(join(tmp.dir, 'models')).load('example-cpg');
  engine = await InferenceEngine.create({ workers: 1, device: 'cpu', probeModelPath: model.onnxPath });
});

after(async () => {
  await engine?.close();
  tmp?.cleanup();
});

test('reverse_complement_average: output = mean of the forward pass and the flipped reverse-complement pass', async () => {
  const input = await openGenomeInput({ fasta }, model);
  const stitched: StitchedChromosome[] = [];
  try {
    for await (const group of predictChromosomes(engine, model, input)) stitched.push(...group);
  } finally {
    await input.close();
  }
  assert.deepEqual(stitched.map((s) => s.chrom.name), CHROMOSOMES.map((c) => c.name));
  const session = await ort.InferenceSession.create(model.onnxPath, { intraOpNumThreads: 1 });
  try {
    for (const s of stitched) {
      const seq = sh('samtools', ['faidx', fasta, s.chrom.name]).split('\n').slice(1).join('');
      const forward = await onePass(session, seq);
      const reverse = await onePass(session, reverseComplement(seq));
      const gaps = gapBins(seq);
      const bins = seq.length / BIN_BP;
      let strandDifference = 0;
      for (let l = 0; l < 3; l++) {
        let worst = 0;
        for (let b = 0; b < bins; b++) {
          const flipped = reverse[l]![bins - 1 - b]!;
          const want = gaps[b] ? 0 : (forward[l]![b]! + flipped) / 2;
          worst = Math.max(worst, Math.abs(s.probs[l]![b]! - want));
          if (!gaps[b]) strandDifference = Math.max(strandDifference, Math.abs(forward[l]![b]! - flipped));
        }
        assert.ok(worst <= 1e-5, `${s.chrom.name} ${s.labels[l]}: max |engine − mean of strands| = ${worst}`);
      }
      // The model is not strand-symmetric here, so the averaging is really being tested.
      assert.ok(strandDifference > 1e-2, `${s.chrom.name}: the two strands differ by at most ${strandDifference}`);
    }
  } finally {
    await session.release();
  }
});
