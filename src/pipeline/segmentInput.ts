import type { Chromosome } from '../genome.js';
import type { InferenceEngine, SegmentInput } from '../inference/engine.js';
import type { LoadedModel } from '../models/repository.js';
import { LAYOUT_TRACKS } from '../models/manifest.js';
import { N_BYTE } from '../encoding/onehot.js';
import { normalizeTrack } from '../encoding/trackNormalization.js';
import type { Segment } from '../segmenting/segmenter.js';
import type { ChromosomeFeatures } from '../features/featureComputer.js';
import type { GenomeInput } from './genomeInput.js';

/** One segment's place in a model input: its chromosome and, for track models with computed tracks, their values. */
export interface WindowPart {
  chrom: Chromosome;
  segment: Segment;
  /** The chromosome's computed feature tracks (track models with computed tracks). */
  computed: ChromosomeFeatures | undefined;
}

/**
 * Builds one model input from its segments (one, or several packed short contigs, in input
 * order); every position no segment's chromosome covers is padding. `predict` and in-silico
 * mutagenesis (src/attribution) read their inputs through this one function, so both see the
 * same context and the same padding.
 */
export async function readWindow(engine: InferenceEngine, model: LoadedModel, input: GenomeInput, placed: readonly WindowPart[]): Promise<SegmentInput> {
  const { manifest, geometry } = model;
  const inputBins = geometry.segmentBins + 2 * geometry.contextBins;
  if (manifest.input.kind === 'sequence') {
    const inputBp = inputBins * geometry.binBp;
    const bases = engine.segmentBases(inputBp);
    let written = 0; // bases[0, written) are final
    for (const { chrom, segment: seg } of placed) {
      const from = Math.max(0, seg.inputStart);
      const to = Math.min(chrom.length, seg.inputEnd);
      const at = from - seg.inputStart;
      // Padding before the read: the reader may use the space past `to` while reading, which
      // the next segment's read (or the final padding) overwrites.
      bases.fill(N_BYTE, written, at);
      await input.fasta.read(chrom.name, from, to, bases, at);
      written = to - seg.inputStart;
    }
    bases.fill(N_BYTE, written);
    return { kind: 'sequence', bases };
  }
  // Bins outside the chromosomes stay 0 in normalized space: what zero padding would feed.
  const values = engine.segmentValues(manifest.input.tracks.length * inputBins).fill(0);
  for (const [k, { chrom, segment: seg, computed }] of placed.entries()) {
    const to = Math.min(chrom.length, seg.inputEnd);
    const firstInside = Math.max(0, -Math.floor(seg.inputStart / geometry.binBp));
    const insideBins = Math.ceil((to - seg.inputStart) / geometry.binBp) - firstInside;
    // The chromosome bin at the input's first bin (negative where the input starts before it).
    const firstChromBin = seg.inputStart / geometry.binBp + firstInside;
    for (const [t, spec] of manifest.input.tracks.entries()) {
      if (spec.source === 'layout') {
        // input_segment: the contig's 1-based place in this input; input_position: each bin's
        // index in the contig's own single-pass input (padding keeps 0 and is masked).
        const at = t * inputBins + firstInside;
        if (spec.name === LAYOUT_TRACKS[0]) values.fill(k + 1, at, at + insideBins);
        else {
          const offset = seg.singlePassStartBin === undefined ? firstInside : seg.singlePassStartBin + firstChromBin;
          for (let i = 0; i < insideBins; i++) values[at + i] = offset + i;
        }
        continue;
      }
      const track = input.tracks.get(spec.name);
      const means = track
        ? await track.binMeans(chrom.name, seg.inputStart + firstInside * geometry.binBp, seg.inputStart + (firstInside + insideBins) * geometry.binBp, geometry.binBp)
        : computed!.features.get(spec.name)!.slice(firstChromBin, firstChromBin + insideBins);
      values.set(normalizeTrack(means, spec.normalization), t * inputBins + firstInside);
    }
  }
  return { kind: 'tracks', values };
}
