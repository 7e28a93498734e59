import type { FeatureFailure, FeatureResult } from './featureWorker.js';

/** One chromosome's result, or its typed failure (a task's other chromosomes still get theirs). */
export type FeatureAnswer = FeatureResult | { failure: FeatureFailure };

/**
 * A worker task's answers as a few flat arrays, each chromosome's values end to end. A batch
 * of 400 short scaffolds as separate arrays is 5,600 typed arrays to transfer and rebuild, and
 * that cost more than computing them; packed it is a dozen.
 */
export interface PackedAnswers {
  /** Per chromosome: its failure, or null when it has results. */
  failures: (FeatureFailure | null)[];
  ms: Float64Array;
  /** Feature name → every answered chromosome's bins. */
  features: Record<string, Float32Array>;
  /** Chromosome i's bins are [binStart[i], binStart[i + 1]) of every feature (none when it failed). */
  binStart: Uint32Array;
  /** The tandem scan's sampled periodic k-mers, chromosome i's at [periodicStart[i], periodicStart[i + 1]). */
  periodic?: { bins: Uint32Array; codes: Uint32Array; start: Uint32Array };
}

export function packAnswers(answers: readonly FeatureAnswer[]): PackedAnswers {
  const results = answers.filter((a): a is FeatureResult => !('failure' in a));
  const names = results.length ? Object.keys(results[0]!.features) : [];
  const withPeriodic = results.some((r) => r.periodic);
  const binStart = new Uint32Array(answers.length + 1);
  const periodicStart = new Uint32Array(answers.length + 1);
  answers.forEach((a, i) => {
    const result = 'failure' in a ? undefined : a;
    const bins = result ? result.features[names[0]!]?.length ?? 0 : 0;
    for (const name of result ? names : []) {
      if (result!.features[name]?.length !== bins) throw new Error(`feature ${name} has ${result!.features[name]?.length} bins, not ${bins}`);
    }
    binStart[i + 1] = binStart[i]! + bins;
    periodicStart[i + 1] = periodicStart[i]! + (result?.periodic?.bins.length ?? 0);
  });
  const features: Record<string, Float32Array> = {};
  for (const name of names) {
    const all = new Float32Array(binStart[answers.length]!);
    answers.forEach((a, i) => 'failure' in a || all.set(a.features[name]!, binStart[i]));
    features[name] = all;
  }
  const total = periodicStart[answers.length]!;
  const periodic = withPeriodic ? { bins: new Uint32Array(total), codes: new Uint32Array(total), start: periodicStart } : undefined;
  answers.forEach((a, i) => {
    if ('failure' in a || !a.periodic || !periodic) return;
    periodic.bins.set(a.periodic.bins, periodicStart[i]);
    periodic.codes.set(a.periodic.codes, periodicStart[i]);
  });
  return {
    failures: answers.map((a) => ('failure' in a ? a.failure : null)),
    ms: Float64Array.from(answers, (a) => ('failure' in a ? 0 : a.ms)),
    features,
    binStart,
    periodic,
  };
}

/** The buffers to transfer with `packed`. */
export function packedBuffers(packed: PackedAnswers): ArrayBuffer[] {
  const arrays = [packed.ms, packed.binStart, ...Object.values(packed.features), ...(packed.periodic ? [packed.periodic.bins, packed.periodic.codes, packed.periodic.start] : [])];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

/** Chromosome i's answer: views into the packed arrays. */
export function unpackAnswer(packed: PackedAnswers, i: number): FeatureAnswer {
  const failure = packed.failures[i];
  if (failure) return { failure };
  const from = packed.binStart[i]!;
  const to = packed.binStart[i + 1]!;
  const features: Record<string, Float32Array> = {};
  for (const [name, all] of Object.entries(packed.features)) features[name] = all.subarray(from, to);
  const p = packed.periodic;
  const periodic = p ? { bins: p.bins.subarray(p.start[i], p.start[i + 1]), codes: p.codes.subarray(p.start[i], p.start[i + 1]) } : undefined;
  return { features, periodic, ms: packed.ms[i]! };
}
