/**
 * A zlib stream (RFC 1950) holding `raw` in one stored (uncompressed) deflate block (RFC 1951
 * §3.2.4): what zlib's deflate at level 0 writes, readable by every inflater. For blocks of a
 * few dozen bytes (a short scaffold's bigWig section) compression gains a handful of bytes,
 * while a zlib call costs microseconds of state set-up; 20,000 scaffolds make 60,000 of them.
 */
export function zlibStored(raw: Uint8Array): Buffer {
  if (raw.length > 0xffff) throw new Error(`zlibStored: ${raw.length} bytes do not fit one stored block (at most 65535)`);
  const out = Buffer.allocUnsafe(raw.length + 11);
  // CMF 0x78 (deflate, 32-kB window), FLG 0x01 (no dictionary, fastest; CMF·256 + FLG divisible by 31).
  out[0] = 0x78;
  out[1] = 0x01;
  // BFINAL = 1, BTYPE = 00 (stored), then LEN and its one's complement, little-endian.
  out[2] = 0x01;
  out.writeUInt16LE(raw.length, 3);
  out.writeUInt16LE(~raw.length & 0xffff, 5);
  out.set(raw, 7);
  out.writeUInt32BE(adler32(raw), raw.length + 7);
  return out;
}

/** Adler-32 (RFC 1950 §8) of `bytes`. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552: the most bytes before b can overflow 2^32 between reductions (zlib's NMAX).
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(i + 5552, bytes.length);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
