import { stat } from 'node:fs/promises';
import { BigWig } from '@gmod/bbi';
import type { Bp, Chromosome } from '../genome.js';
import { InputError, errorMessage } from '../errors.js';

const R_TREE_HEADER_BYTES = 48;

/**
 * A bigWig signal read through @gmod/bbi and reduced to per-bin means.
 * Bases the file has no value for count as 0 (coverage semantics), so a bin's mean is
 * sum(value × covered bases) / bin length; a chromosome's last, short bin uses its own length.
 */
export class BigWigTrack {
  readonly path: string;
  readonly name: string;
  private readonly bw: BigWig;
  private readonly lengths: Map<string, Bp>;

  private constructor(path: string, name: string, bw: BigWig, lengths: Map<string, Bp>) {
    this.path = path;
    this.name = name;
    this.bw = bw;
    this.lengths = lengths;
  }

  /** Opens the file and checks that it covers every chromosome of the genome. */
  static async open(path: string, name: string, genome: readonly Chromosome[], fastaPath: string): Promise<BigWigTrack> {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw new InputError('bigwig_not_found', `bigWig for track ${name} not found: ${path}`);
    }
    const bw = new BigWig({ path });
    const lengths = new Map<string, Bp>();
    let lastIndex: number;
    try {
      const header = await bw.getHeader();
      for (const ref of Object.values(header.refsByNumber)) lengths.set(ref.name, ref.length);
      lastIndex = Math.max(header.unzoomedIndexOffset, ...header.zoomLevels.map((z) => z.indexOffset));
    } catch (err) {
      throw new InputError('bigwig_invalid', `${path} (track ${name}) is not a readable bigWig: ${errorMessage(err)}`);
    }
    // The indexes come last in a bigWig: a file ending before its last index (R-tree header,
    // 48 bytes) was cut short, which would otherwise surface mid-prediction.
    if (size < lastIndex + R_TREE_HEADER_BYTES) {
      throw new InputError(
        'bigwig_truncated',
        `bigWig ${path} (track ${name}) is truncated: it has ${size} bytes, but its indexes start at byte ${lastIndex}; copy it again in full`,
      );
    }
    for (const chrom of genome) {
      if (!lengths.has(chrom.name)) {
        throw new InputError(
          'bigwig_chromosome_missing',
          `bigWig ${path} (track ${name}) has no chromosome ${chrom.name}, which ${fastaPath} has`,
        );
      }
    }
    return new BigWigTrack(path, name, bw, lengths);
  }

  /**
   * Mean value per `binBp` bin over [start, end) of `chrom` (start a multiple of binBp).
   * Bins past the chromosome's end are 0; the last partial bin divides by its own length.
   */
  async binMeans(chrom: string, start: Bp, end: Bp, binBp: Bp, out = new Float32Array(Math.ceil((end - start) / binBp))): Promise<Float32Array> {
    const chromLength = this.lengths.get(chrom) ?? 0;
    out.fill(0);
    const from = Math.max(0, start);
    const to = Math.min(end, chromLength);
    if (from >= to) return out;
    const sums = new Float64Array(out.length);
    let f: Awaited<ReturnType<BigWig['getFeaturesAsArrays']>>;
    try {
      f = await this.bw.getFeaturesAsArrays(chrom, from, to);
    } catch (err) {
      throw new InputError(
        'bigwig_unreadable',
        `bigWig ${this.path} (track ${this.name}): reading ${chrom}:${from}-${to} failed (${errorMessage(err)}); the file is damaged or truncated`,
      );
    }
    for (let i = 0; i < f.starts.length; i++) {
      const s = Math.max(f.starts[i]!, from);
      const e = Math.min(f.ends[i]!, to);
      const v = f.scores[i]!;
      if (e <= s || !Number.isFinite(v)) continue;
      let b = Math.floor((s - start) / binBp);
      let pos = s;
      while (pos < e) {
        const binEnd = Math.min(start + (b + 1) * binBp, e);
        sums[b] = sums[b]! + v * (binEnd - pos);
        pos = binEnd;
        b++;
      }
    }
    for (let b = 0; b < out.length; b++) {
      const binStart = start + b * binBp;
      const binLen = Math.min(binBp, chromLength - binStart);
      out[b] = binLen > 0 ? sums[b]! / binLen : 0;
    }
    return out;
  }
}
