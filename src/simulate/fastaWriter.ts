import type { Bp } from '../genome.js';
import { AtomicFile } from '../writers/atomicFile.js';

const LINE_BP = 60;
const LINES_PER_WRITE = 16_384;

/**
 * A simulator's FASTA, 60-bp lines, with samtools-faidx-identical .fai lines, written through
 * AtomicFile like the simulators' other outputs (commit renames it into place, abort removes it).
 */
export class FastaWriter {
  private offset = 0;
  private constructor(private readonly file: AtomicFile) {}

  static async create(path: string): Promise<FastaWriter> {
    return new FastaWriter(await AtomicFile.create(path));
  }

  /** Writes one record and returns its .fai line (samtools faidx's five columns). */
  async write(name: string, description: string, seq: Uint8Array): Promise<string> {
    const header = Buffer.from(`>${name} ${description}\n`, 'latin1');
    await this.file.write(header);
    this.offset += header.length;
    const fai = `${name}\t${seq.length}\t${this.offset}\t${LINE_BP}\t${LINE_BP + 1}\n`;
    for (let pos = 0; pos < seq.length; ) {
      // A fresh chunk each time: AtomicFile's stream holds a written chunk until it is flushed.
      const chunk = Buffer.allocUnsafe(LINES_PER_WRITE * (LINE_BP + 1));
      let used = 0;
      while (used < chunk.length && pos < seq.length) {
        const n = Math.min(LINE_BP, seq.length - pos);
        chunk.set(seq.subarray(pos, pos + n), used);
        used += n;
        chunk[used++] = 10;
        pos += n;
      }
      await this.file.write(chunk.subarray(0, used));
      this.offset += used;
    }
    return fai;
  }

  commit(): Promise<void> {
    return this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }
}

export function bed6(chrom: string, startBp: Bp, endBp: Bp, name: string, score: number, strand: string): string {
  return `${chrom}\t${startBp}\t${endBp}\t${name}\t${score}\t${strand}\n`;
}
