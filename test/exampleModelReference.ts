/**
 * The example-cpg model computed independently, in plain TypeScript, from its definition in
 * scripts/build_example_models.py — no ONNX Runtime involved. Used as ground truth.
 */
const CHANNEL: Record<string, number> = { A: 0, C: 1, G: 2, T: 3 };
const MOTIFS = ['TATAAAAG', 'TATAAATA', 'CCAATCAG', 'GGGCGGGG', 'CACGTGAC', 'TGACGTCA', 'GCCACGTG', 'TTGACCAA', 'CCGCGCGG', 'ACGTGGCA', 'AAAGTGAA', 'CATGCATG', 'GATAAGAT', 'CCACCTAC', 'TGTCGGTT', 'AGCCGCCA'];
const SIGMOID: [number, number][] = [
  [0.05, 300],
  [0.2, 25],
  [1.0, 4],
];
export const BIN_BP = 100;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Per-bin probabilities [gc_rich, cpg_island, motif_dense] of a whole chromosome, as a
 * single zero-padded pass sees it; bins with no A/C/G/T base are set to 0 (the engine's gap rule).
 */
export function exampleCpgReference(sequence: string): Float64Array[] {
  const gaps = gapBins(sequence);
  const seq = sequence.toUpperCase();
  const nBins = Math.ceil(seq.length / BIN_BP);
  const counts = [new Float64Array(nBins), new Float64Array(nBins), new Float64Array(nBins)];
  const motifs = new Set(MOTIFS);
  for (let i = 0; i < seq.length; i++) {
    const b = Math.floor(i / BIN_BP);
    const c = seq[i]!;
    if (c === 'C' || c === 'G') counts[0]![b]!++;
    if (c === 'C' && seq[i + 1] === 'G') counts[1]![b]!++;
    if (i + 8 <= seq.length && motifs.has(seq.slice(i, i + 8))) counts[2]![b]!++;
  }
  return counts.map((perBin, l) => {
    const out = new Float64Array(nBins);
    const [slope, mid] = SIGMOID[l]!;
    for (let b = 0; b < nBins; b++) {
      let window = 0;
      for (let k = b - 2; k <= b + 2; k++) if (k >= 0 && k < nBins) window += perBin[k]!;
      out[b] = gaps[b] ? 0 : sigmoid(slope * (window - mid));
    }
    return out;
  });
}

/** 1 for each bin with no A/C/G/T base (any case): an assembly gap. */
export function gapBins(sequence: string): Uint8Array {
  const nBins = Math.ceil(sequence.length / BIN_BP);
  const gaps = new Uint8Array(nBins).fill(1);
  for (let i = 0; i < sequence.length; i++) if (sequence[i]!.toUpperCase() in CHANNEL) gaps[Math.floor(i / BIN_BP)] = 0;
  return gaps;
}
