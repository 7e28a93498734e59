/** What a stored zlib stream adds before (zlib header, stored-block header) and after (Adler-32) its bytes. */
export const STORED_HEADER_BYTES = 7;
export const STORED_OVERHEAD_BYTES = STORED_HEADER_BYTES + 4;

/**
 * Frames the `rawLength` bytes already at target[at + STORED_HEADER_BYTES …] as a zlib stream
 * (RFC 1950) holding them in one stored (uncompressed) deflate block (RFC 1951 §3.2.4): what
 * zlib's deflate at level 0 writes, readable by every inflater. Returns the byte after the
 * stream. For blocks of a few dozen bytes (a short scaffold's bigWig section) compression
 * gains a handful of bytes, while a zlib call costs microseconds of state set-up; 20,000
 * scaffolds make 60,000 of them. In place: the caller writes the raw bytes where they stay.
 */
export function frameStored(target: Uint8Array, at: number, rawLength: number): number {
  if (rawLength > 0xffff) throw new Error(`zlibStored: ${rawLength} bytes do not fit one stored block (at most 65535)`);
  // CMF 0x78 (deflate, 32-kB window), FLG 0x01 (no dictionary, fastest; CMF·256 + FLG divisible by 31).
  target[at] = 0x78;
  target[at + 1] = 0x01;
  // BFINAL = 1, BTYPE = 00 (stored), then LEN and its one's complement, little-endian.
  target[at + 2] = 0x01;
  target[at + 3] = rawLength & 0xff;
  target[at + 4] = rawLength >>> 8;
  target[at + 5] = ~rawLength & 0xff;
  target[at + 6] = (~rawLength >>> 8) & 0xff;
  const from = at + STORED_HEADER_BYTES;
  const end = from + rawLength;
  const sum = adler32(target, from, end);
  target[end] = sum >>> 24;
  target[end + 1] = (sum >>> 16) & 0xff;
  target[end + 2] = (sum >>> 8) & 0xff;
  target[end + 3] = sum & 0xff;
  return end + 4;
}

/** Adler-32 (RFC 1950 §8) of bytes[from, to). */
export function adler32(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let a = 1;
  let b = 0;
  // 5552: the most bytes before b can overflow 2^32 between reductions (zlib's NMAX).
  for (let i = from; i < to; ) {
    const end = Math.min(i + 5552, to);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
