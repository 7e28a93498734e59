import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';

const HEADER_BYTES = 18;

/**
 * Walks a bgzip file's block headers (two small reads per 64-kB block, no decompression)
 * and checks its .gzi against them: a file cut short ends inside a block, and a .gzi of
 * another file points at offsets that are no block starts or count other byte totals.
 * Both would otherwise surface mid-prediction as zlib's bare "unexpected end of file".
 * Returns the uncompressed size.
 */
export async function checkBgzipBlocks(fasta: string, gziPath: string): Promise<number> {
  // Synchronous preads: thousands of 22-byte reads cost far less than thread-pool round trips.
  const fd = openSync(fasta, 'r');
  const blocks = new Map<number, number>(); // compressed offset → uncompressed offset
  let uncompressed = 0;
  try {
    const { size } = fstatSync(fd);
    const header = Buffer.alloc(HEADER_BYTES);
    const isize = Buffer.alloc(4);
    for (let at = 0; at < size; ) {
      const bytesRead = readSync(fd, header, 0, HEADER_BYTES, at);
      const isBlock =
        bytesRead === HEADER_BYTES && header[0] === 0x1f && header[1] === 0x8b && header[2] === 8 && (header[3]! & 4) !== 0 && header[12] === 0x42 && header[13] === 0x43;
      if (!isBlock) {
        throw new InputError(
          'fasta_bgzip_damaged',
          `${fasta} is damaged or truncated: byte ${at} should start a bgzip block but does not; ${truncatedAdvice(fasta)}`,
        );
      }
      const blockSize = header.readUInt16LE(16) + 1;
      if (at + blockSize > size) {
        throw new InputError(
          'fasta_truncated',
          `${fasta} is truncated: its last bgzip block, at byte ${at}, needs ${blockSize} bytes but the file ends after ${size - at}; ${truncatedAdvice(fasta)}`,
        );
      }
      readSync(fd, isize, 0, 4, at + blockSize - 4);
      blocks.set(at, uncompressed);
      uncompressed += isize.readUInt32LE(0);
      at += blockSize;
    }
  } finally {
    closeSync(fd);
  }
  checkGzi(await readFile(gziPath), blocks, fasta, gziPath);
  return uncompressed;
}

const truncatedAdvice = (fasta: string) => `copy it again in full (bgzip -t ${fasta} checks a file), then re-index it with samtools faidx ${fasta}`;

function checkGzi(gzi: Buffer, blocks: Map<number, number>, fasta: string, gziPath: string): void {
  const wrong = (what: string) =>
    new InputError(
      'fasta_gzi_mismatch',
      `the .gzi index ${gziPath} does not belong to ${fasta}: ${what}; re-create it with: samtools faidx ${fasta} (writes ${fasta}.gzi)`,
    );
  if (gzi.length < 8) throw wrong(`it has ${gzi.length} bytes, fewer than a .gzi header`);
  const count = Number(gzi.readBigUInt64LE(0));
  if (gzi.length !== 8 + 16 * count) throw wrong(`it declares ${count} entries but holds ${Math.max(0, Math.floor((gzi.length - 8) / 16))}`);
  for (let i = 0; i < count; i++) {
    const compressed = Number(gzi.readBigUInt64LE(8 + 16 * i));
    const uncompressed = Number(gzi.readBigUInt64LE(16 + 16 * i));
    const actual = blocks.get(compressed);
    if (actual === undefined) throw wrong(`its entry ${i + 1} points at byte ${compressed}, where no bgzip block of the FASTA starts`);
    if (actual !== uncompressed) throw wrong(`its entry ${i + 1} says the block at byte ${compressed} starts at uncompressed byte ${uncompressed}, but it starts at ${actual}`);
  }
}
