import type { InferenceEngine } from '../inference/engine.js';
import type { LoadedModel } from '../models/repository.js';
import { openGenomeInput } from '../pipeline/genomeInput.js';
import { predictChromosomes } from '../pipeline/predictChromosomes.js';
import type { Baseline } from '../pipeline/runPrediction.js';
import type { FastaPaths } from '../readers/fastaSource.js';

/**
 * The reference genome's per-bin probabilities under `model`, held for a bulk run's delta
 * tracks (annotate --delta): labels × bins × 4 bytes, ~45 MB for a 373-Mb genome at 100 bp
 * and 3 labels. Predicted once per run, through the same engine as the varieties.
 */
export async function predictBaseline(engine: InferenceEngine, model: LoadedModel, reference: FastaPaths, signal?: AbortSignal): Promise<Baseline> {
  const input = await openGenomeInput(reference, model);
  try {
    const baseline = new Map<string, Float32Array[]>();
    for await (const group of predictChromosomes(engine, model, input, { signal })) for (const stitched of group) baseline.set(stitched.chrom.name, stitched.probs);
    return baseline;
  } finally {
    await input.close();
  }
}
