/**
 * Does a transformer track model give a short contig the same output on a shorter input?
 * (Issue 13: bucketing short scaffolds into shorter inputs is allowed only if outputs stay
 * identical.) One or two bins of features are placed after the context, as a short scaffold
 * sits in its input, with zeros (normalized padding) everywhere else; ONNX Runtime runs the
 * model on the full input length and on shorter ones, and this prints the largest change of
 * the probability on the scaffold's bins, and one pass's time at each length.
 * node dist/bench/centromereInputLength.js [MODEL] (default centromere, its newest version)
 */
import * as ort from 'onnxruntime-node';
import { ModelRepository } from '../src/models/repository.js';
import { mulberry32 } from '../src/simulate/random.js';

const model = await new ModelRepository().load(process.argv[2] ?? 'centromere');
if (model.manifest.input.kind !== 'tracks') throw new Error(`${model.key} is not a track model`);
const tracks = model.manifest.input.tracks.length;
const { segmentBins, contextBins } = model.geometry;
const fullBins = segmentBins + 2 * contextBins;
const session = await ort.InferenceSession.create(model.onnxPath, { intraOpNumThreads: 1 });
const inputName = model.manifest.input.tensor;
const outputName = model.manifest.output.probabilities;
const rand = mulberry32(5);

async function probs(inputBins: number, core: Float32Array[]): Promise<Float32Array> {
  const values = new Float32Array(tracks * inputBins);
  for (let t = 0; t < tracks; t++) core.forEach((bin, b) => (values[t * inputBins + contextBins + b] = bin[t]!));
  const out = await session.run({ [inputName]: new ort.Tensor('float32', values, [1, tracks, inputBins]) });
  return out[outputName]!.data as Float32Array;
}

console.log(`${model.key}: full input ${fullBins} bins (${segmentBins} core + 2 × ${contextBins} context), ${tracks} tracks`);
const lengths = [fullBins, 640, 512, 384, contextBins * 2 + 2].filter((l, i, a) => l <= fullBins && a.indexOf(l) === i);
for (const coreBins of [1, 2]) {
  const core = Array.from({ length: coreBins }, () => Float32Array.from({ length: tracks }, () => rand() * 2 - 1));
  const full = await probs(fullBins, core);
  for (const inputBins of lengths) {
    const p = await probs(inputBins, core);
    let diff = 0;
    for (let b = 0; b < coreBins; b++) diff = Math.max(diff, Math.abs(p[contextBins + b]! - full[contextBins + b]!));
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await probs(inputBins, core);
    const ms = (performance.now() - t0) / 5;
    console.log(`  scaffold of ${coreBins} bin(s), input ${String(inputBins).padStart(4)} bins: max |Δp| vs ${fullBins} = ${diff.toExponential(2)}, one pass ${ms.toFixed(1)} ms`);
  }
}
await session.release();
