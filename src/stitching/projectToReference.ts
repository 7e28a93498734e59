import { binCount, type Bp } from '../genome.js';
import type { ChromosomeEdits } from '../readers/varietyEdits.js';
import type { StitchedChromosome } from './chromosomeStitcher.js';

/**
 * A variety's per-bin values carried back to reference coordinates through its edits, so
 * that every variety's tracks and regions line up bin by bin with the reference.
 *
 * Reference bin [r0, r1) takes the variety interval [v(r0), v(r1)), where v(r) is where
 * reference base r lands in the variety (a base inside a deletion lands where the deletion
 * was; the bases inserted after a VCF indel's padding base belong to the bin holding that
 * base). Its value is the length-weighted mean of the variety bins over that interval; an
 * interval inside one variety bin copies that bin's value exactly (so with SNPs only, or
 * away from indels on the bin grid, values are the variety's bit for bit); a reference bin
 * deleted whole takes the value of the variety bin where the deletion was. The range head's
 * channels and the tandem tracks region calling refines edges with (centromere models) are projected the same way.
 */
export function projectToReference(stitched: StitchedChromosome, edits: ChromosomeEdits): StitchedChromosome {
  const { binBp } = stitched;
  const refLength = edits.reference.length;
  const nRef = binCount(refLength, binBp);
  const nVar = stitched.probs[0]?.length ?? 0;
  const project = (channels: Float32Array[]) => channels.map(() => new Float32Array(nRef));
  const probs = project(stitched.probs);
  const ranges = stitched.ranges ? project(stitched.ranges) : undefined;
  const tandem = stitched.tandem ? project([stitched.tandem.period, stitched.tandem.share]) : undefined;
  const map = new ReferenceToVariety(edits);
  let v0 = map.at(0);
  for (let b = 0; b < nRef; b++) {
    const v1 = map.at(Math.min(refLength, (b + 1) * binBp));
    const fill = (from: Float32Array[], to: Float32Array[]) => {
      const firstBin = Math.min(nVar - 1, Math.floor(v0 / binBp));
      const lastBin = v1 > v0 ? Math.min(nVar - 1, Math.floor((v1 - 1) / binBp)) : firstBin;
      for (const [c, values] of from.entries()) {
        if (firstBin === lastBin) {
          to[c]![b] = values[firstBin]!;
          continue;
        }
        let sum = 0;
        for (let k = firstBin; k <= lastBin; k++) {
          const overlap = Math.min(v1, (k + 1) * binBp) - Math.max(v0, k * binBp);
          sum += values[k]! * overlap;
        }
        to[c]![b] = sum / (v1 - v0);
      }
    };
    if (nVar > 0) {
      fill(stitched.probs, probs);
      if (ranges) fill(stitched.ranges!, ranges);
      if (tandem) fill([stitched.tandem!.period, stitched.tandem!.share], tandem);
    }
    v0 = v1;
  }
  return { chrom: edits.reference, binBp, labels: stitched.labels, probs, ranges, tandem: tandem && { period: tandem[0]!, share: tandem[1]! } };
}

/** v(r) for increasing r (a forward walk through the edits). */
class ReferenceToVariety {
  private i = 0;
  constructor(private readonly edits: ChromosomeEdits) {}

  at(r: Bp): Bp {
    const e = this.edits;
    while (this.i < e.count && e.refEnd[this.i]! <= r) this.i++;
    // Edits before i end at or before r: r is either between edits or inside edit i.
    const shift = this.i > 0 ? e.varietyStart[this.i - 1]! + e.altLength(this.i - 1) - e.refEnd[this.i - 1]! : 0;
    if (this.i < e.count && e.refStart[this.i]! < r) {
      // Inside edit i: its first min(REF, ALT) bases are aligned, the rest collapse.
      return e.varietyStart[this.i]! + Math.min(r - e.refStart[this.i]!, e.altLength(this.i));
    }
    return r + shift;
  }
}
