import { deflateRawSync, crc32 } from 'node:zlib';
import { AtomicFile } from './atomicFile.js';

/** Uncompressed bytes per BGZF block (htslib's BGZF_BLOCK_SIZE: 0xff00, so a block never exceeds 64 KiB compressed). */
const BLOCK_DATA = 0xff00;
/** The empty block that ends every BGZF file (SAM spec §4.1.2). */
const EOF_BLOCK = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

/**
 * A BGZF (blocked gzip) file written atomically, with virtual offsets for an index: the
 * offset of the current position is (compressed offset of its block << 16) | offset within
 * the block's uncompressed data. bgzip, tabix and bcftools read what it writes.
 */
export class BgzfWriter {
  private buffer = Buffer.alloc(BLOCK_DATA);
  private used = 0;
  /** Compressed bytes written so far: where the next block starts. */
  private blockOffset = 0;

  private constructor(private readonly file: AtomicFile) {}

  static async create(path: string): Promise<BgzfWriter> {
    return new BgzfWriter(await AtomicFile.create(path));
  }

  get path(): string {
    return this.file.path;
  }

  /** The virtual offset of the next byte written. */
  get virtualOffset(): bigint {
    return (BigInt(this.blockOffset) << 16n) | BigInt(this.used);
  }

  async write(data: string | Uint8Array): Promise<void> {
    let bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    while (bytes.length) {
      const n = Math.min(bytes.length, BLOCK_DATA - this.used);
      this.buffer.set(bytes.subarray(0, n), this.used);
      this.used += n;
      bytes = bytes.subarray(n);
      if (this.used === BLOCK_DATA) await this.flush();
    }
  }

  /** Ends the current block, so the next write starts a block (virtual offset …:0). */
  async flush(): Promise<void> {
    if (this.used === 0) return;
    const block = bgzfBlock(this.buffer.subarray(0, this.used));
    await this.file.write(block);
    this.blockOffset += block.length;
    this.used = 0;
  }

  async commit(): Promise<void> {
    await this.flush();
    await this.file.write(EOF_BLOCK);
    await this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }
}

/** One gzip member with the BGZF 'BC' extra field holding the block size. */
export function bgzfBlock(data: Uint8Array): Buffer {
  const deflated = deflateRawSync(data, { level: 6 });
  const size = 18 + deflated.length + 8;
  const block = Buffer.alloc(size);
  block.set([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0], 0);
  block.writeUInt16LE(size - 1, 16);
  block.set(deflated, 18);
  block.writeUInt32LE(crc32(data) >>> 0, 18 + deflated.length);
  block.writeUInt32LE(data.length, 18 + deflated.length + 4);
  return block;
}

/** A whole buffer as a BGZF file's bytes (the index files tabix writes are BGZF too). */
export function bgzfBytes(data: Uint8Array): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; i < data.length; i += BLOCK_DATA) blocks.push(bgzfBlock(data.subarray(i, i + BLOCK_DATA)));
  blocks.push(EOF_BLOCK);
  return Buffer.concat(blocks);
}
