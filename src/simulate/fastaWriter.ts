import { open, type FileHandle } from 'node:fs/promises';
import type { Bp } from '../genome.js';

const LINE_BP = 60;
const LINES_PER_WRITE = 16_384;

/**
 * A simulator's FASTA, 60-bp lines, with samtools-faidx-identical .fai lines. The FASTA is binary
 * and large, so it is written to its own temporary path rather than through AtomicFile's strings.
 */
export class FastaWriter {
  private offset = 0;
  private readonly chunk = Buffer.alloc(LINES_PER_WRITE * (LINE_BP + 1));
  private constructor(
    private readonly handle: FileHandle,
    readonly tmpPath: string,
  ) {}

  static async create(tmpPath: string): Promise<FastaWriter> {
    return new FastaWriter(await open(tmpPath, 'w'), tmpPath);
  }

  /** Writes one record and returns its .fai line (samtools faidx's five columns). */
  async write(name: string, description: string, seq: Uint8Array): Promise<string> {
    const header = Buffer.from(`>${name} ${description}\n`, 'latin1');
    await this.handle.write(header);
    this.offset += header.length;
    const fai = `${name}\t${seq.length}\t${this.offset}\t${LINE_BP}\t${LINE_BP + 1}\n`;
    for (let pos = 0; pos < seq.length; ) {
      let used = 0;
      while (used < this.chunk.length && pos < seq.length) {
        const n = Math.min(LINE_BP, seq.length - pos);
        this.chunk.set(seq.subarray(pos, pos + n), used);
        used += n;
        this.chunk[used++] = 10;
        pos += n;
      }
      await this.handle.write(this.chunk, 0, used);
      this.offset += used;
    }
    return fai;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export function bed6(chrom: string, startBp: Bp, endBp: Bp, name: string, score: number, strand: string): string {
  return `${chrom}\t${startBp}\t${endBp}\t${name}\t${score}\t${strand}\n`;
}
