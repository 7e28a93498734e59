/**
 * Little-endian binary building blocks shared by the bigWig writer's parts. bigWig (like
 * every UCSC bbi file) is written in the writer's native byte order and readers detect it
 * from the magic number; we always write little-endian, as kent's tools do on x86 and ARM.
 */

export const BIGWIG_MAGIC = 0x888ffc26;
export const CHROM_TREE_MAGIC = 0x78ca8c91;
export const R_TREE_MAGIC = 0x2468ace0;

/** Largest coordinate and length the format can hold (bbi positions are uint32). */
export const MAX_UINT32 = 0xffffffff;

/** Views of one ArrayBuffer, whole: bytes by DataView, aligned 32-bit words as typed arrays. */
export interface BufferViews {
  data: DataView;
  u32: Uint32Array;
  f32: Float32Array;
}

const viewsOf = new WeakMap<ArrayBufferLike, BufferViews>();

/**
 * The views of `buffer`, made once per buffer: writers that put a few bytes at a time into
 * a long-lived buffer (a staging buffer, held zoom records) made views per call, 20,000
 * scaffolds × labels of them.
 */
export function bufferViews(buffer: ArrayBufferLike): BufferViews {
  let views = viewsOf.get(buffer);
  if (!views) {
    const words = Math.floor(buffer.byteLength / 4);
    views = { data: new DataView(buffer), u32: new Uint32Array(buffer, 0, words), f32: new Float32Array(buffer, 0, words) };
    viewsOf.set(buffer, views);
  }
  return views;
}

/** A fixed-size buffer filled front to back. */
export class ByteWriter {
  readonly bytes: Buffer;
  private readonly view: DataView;
  private at = 0;

  constructor(size: number) {
    // From the shared pool when small (one ArrayBuffer per 8 kB, not per record), zeroed.
    this.bytes = Buffer.allocUnsafe(size).fill(0);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
  }

  get offset(): number {
    return this.at;
  }

  u8(v: number): this {
    this.view.setUint8(this.at, v);
    this.at += 1;
    return this;
  }

  u16(v: number): this {
    this.view.setUint16(this.at, v, true);
    this.at += 2;
    return this;
  }

  u32(v: number): this {
    this.view.setUint32(this.at, v, true);
    this.at += 4;
    return this;
  }

  /** A file offset or count; exact up to 2^53, far past any file we write. */
  u64(v: number): this {
    this.view.setBigUint64(this.at, BigInt(v), true);
    this.at += 8;
    return this;
  }

  f32(v: number): this {
    this.view.setFloat32(this.at, v, true);
    this.at += 4;
    return this;
  }

  f64(v: number): this {
    this.view.setFloat64(this.at, v, true);
    this.at += 8;
    return this;
  }

  /** `s` as UTF-8, zero-padded to `width` bytes (fixed-width keys; `width` at least its length). */
  utf8(s: string, width: number): this {
    this.bytes.write(s, this.at, width, 'utf8');
    this.at += width;
    return this;
  }

  /** Skips `n` bytes, leaving them zero (unused tree slots, reserved fields). */
  zeros(n: number): this {
    this.at += n;
    return this;
  }

  /** The filled buffer; checks that the size computed up front was exact. */
  done(): Buffer {
    if (this.at !== this.bytes.length) throw new Error(`bigWig: built ${this.at} bytes of a ${this.bytes.length}-byte record`);
    return this.bytes;
  }
}
