import { InputError } from '../errors.js';

/** One .fai row: a sequence and where its bases live in the (uncompressed) FASTA bytes. */
export interface FaiEntry {
  name: string;
  length: number;
  offset: number;
  lineBases: number;
  lineBytes: number;
}

/** Reads `length` bytes at `position` of the uncompressed FASTA (fewer at its end). */
export type ReadAt = (length: number, position: number) => Promise<Uint8Array>;

const NL = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const isBlank = (b: number) => b === NL || b === CR || b === 0x20 || b === 0x09;
/** Bytes between two sequences read at once (a line end and a header, normally). */
const SMALL_SPAN = 4096;
/** Headers longer than this are refused (a stale .fai pointing into a one-line sequence would otherwise scan it all). */
const MAX_HEADER_BYTES = 16 << 20;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function byteOffset(e: FaiEntry, pos: number): number {
  return e.offset + Math.floor(pos / e.lineBases) * e.lineBytes + (pos % e.lineBases);
}

/**
 * Checks that the index describes this FASTA, record by record, in file order: each
 * sequence's bases follow its own `>name` header line (of any length; names compared as
 * UTF-8), its last base is where its length says, and between one sequence and the next
 * header there are only line ends. So a stale or foreign .fai, a file cut short, and a
 * record the index lacks (samtools keeps only the first of two records with one name) are
 * refused at open, before any work. The lines inside a sequence are checked as they are
 * read (IndexedFastaSource.read).
 */
export async function checkFastaLayout(entries: readonly FaiEntry[], readAt: ReadAt, size: number, fasta: string, faiPath: string): Promise<void> {
  const read = windowed(readAt);
  const mismatch = (name: string, what: string) =>
    new InputError('fasta_index_mismatch', `FASTA index ${faiPath} does not match ${fasta}: sequence ${name} ${what} (re-create it with: samtools faidx ${fasta})`);
  const indexed = new Set(entries.map((e) => e.name));
  const readFully = async (length: number, position: number, name: string) => {
    const bytes = await read(length, position);
    if (bytes.length !== length) {
      throw new InputError(
        'fasta_truncated',
        `${fasta} is truncated: sequence ${name} needs bytes up to ${position + length}, but the file ends at byte ${size}; copy it again in full, or re-create the index with: samtools faidx ${fasta}`,
      );
    }
    return bytes;
  };
  /**
   * What follows the sequence before `e` (or the file start) must be line ends and then a
   * header: bases mean that sequence goes on past its length; a header before `e`'s own is
   * a record the index lacks. Returns where the first header after `from` starts.
   */
  const checkGap = async (from: number, to: number, after: FaiEntry | undefined): Promise<number> => {
    if (to <= from) return to;
    const bytes = await read(Math.min(to - from, SMALL_SPAN), from);
    const k = bytes.findIndex((b) => !isBlank(b));
    if (k < 0) return to;
    if (bytes[k] === GT) return from + k;
    if (after) throw mismatch(after.name, `continues past its indexed length ${after.length} (a base at byte ${from + k})`);
    throw new InputError('fasta_index_mismatch', `${fasta} has bytes before its first '>' header (byte ${from + k}); a FASTA starts with a header line`);
  };
  const unindexedRecord = async (at: number) => {
    const bytes = await read(SMALL_SPAN, at + 1);
    const line = bytes.subarray(0, bytes.indexOf(NL) < 0 ? bytes.length : bytes.indexOf(NL));
    const name = new TextDecoder().decode(line).split(/[ \t\r]/, 1)[0]!;
    if (indexed.has(name)) {
      return new InputError(
        'fasta_duplicate_name',
        `${fasta}: sequence name ${name} is used by two records (a second '>${name}' header at byte ${at}); samtools faidx indexes only the first, so the second would be silently dropped: rename one of them and re-index`,
      );
    }
    return new InputError(
      'fasta_index_mismatch',
      `FASTA index ${faiPath} does not match ${fasta}: the FASTA has a record '>${name}' at byte ${at} that the index does not list (re-create it with: samtools faidx ${fasta})`,
    );
  };

  let prevEnd = 0; // the byte after the previous sequence's last base
  let prev: FaiEntry | undefined;
  for (const e of [...entries].sort((a, b) => a.offset - b.offset)) {
    if (e.offset < prevEnd) throw mismatch(prev!.name, `has length ${prev!.length}, which puts its last base at byte ${prevEnd - 1}, past where sequence ${e.name} starts (byte ${e.offset})`);
    const nextHeader = await checkGap(prevEnd, e.offset, prev);
    if (e.offset > size) throw mismatch(e.name, `starts at byte ${e.offset}, past the end of the file (${size} bytes)`);
    const headerStart = await findHeaderStart(e, prevEnd, read, readFully, mismatch);
    const headerBytes = await readFully(e.offset - headerStart, headerStart, e.name);
    let end = headerBytes.length - 1; // the header's line end
    if (end > 0 && headerBytes[end - 1] === CR) end--;
    const header = decodeName(headerBytes.subarray(0, end), fasta, headerStart);
    const headerName = header.slice(1).split(/[ \t]/, 1)[0];
    if (header.charCodeAt(0) !== GT || headerName !== e.name) {
      throw mismatch(e.name, `is preceded by header "${header.slice(0, 60)}" instead of ">${e.name}"`);
    }
    if (nextHeader < headerStart) throw await unindexedRecord(nextHeader);
    if (e.length > 0) {
      const last = byteOffset(e, e.length - 1);
      const [lastBase] = await read(1, last);
      if (lastBase === undefined || lastBase === NL || lastBase === CR || lastBase === GT) {
        throw mismatch(e.name, `has no base at byte ${last}, where its length ${e.length} says it ends${lastBase === undefined ? ` (the file has ${size} bytes: truncated, or the index is stale)` : ''}`);
      }
      prevEnd = last + 1;
    } else {
      prevEnd = e.offset;
    }
    prev = e;
  }
  const trailing = await checkGap(prevEnd, size, prev);
  if (trailing < size) throw await unindexedRecord(trailing);
}

/**
 * Where the header line of `e` starts: the line ending just before its first base, found
 * by reading backwards (headers may be very long) but never before `floor`.
 */
async function findHeaderStart(
  e: FaiEntry,
  floor: number,
  read: ReadAt,
  readFully: (length: number, position: number, name: string) => Promise<Uint8Array>,
  mismatch: (name: string, what: string) => InputError,
): Promise<number> {
  if (e.offset === 0) throw mismatch(e.name, 'starts at byte 0, where its header line should be');
  const [lineEnd] = await readFully(1, e.offset - 1, e.name);
  if (lineEnd !== NL) throw mismatch(e.name, `does not start on a new line at byte ${e.offset}`);
  let chunk = Math.min(SMALL_SPAN, e.offset - 1 - floor);
  let to = e.offset - 1; // search [from, to) for the line end before the header
  while (to > floor) {
    const from = Math.max(floor, to - chunk);
    const bytes = await read(to - from, from);
    const j = bytes.lastIndexOf(NL);
    if (j >= 0) return from + j + 1;
    if (e.offset - from > MAX_HEADER_BYTES) throw mismatch(e.name, `has no header line within ${MAX_HEADER_BYTES} bytes before its first base`);
    to = from;
    chunk *= 4;
  }
  return floor;
}

/** A header's bytes as text; names are UTF-8, and bytes that are not are refused, not replaced. */
function decodeName(bytes: Uint8Array, fasta: string, at: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InputError(
      'fasta_name_not_utf8',
      `${fasta}: the header line at byte ${at} is not valid UTF-8; sequence names must be UTF-8 (convert the file, e.g. iconv -f latin1 -t utf-8)`,
    );
  }
}

const WINDOW_BYTES = 1 << 18;

/**
 * The small reads of the check served from one 256-kB window: they move forward through
 * the file, and with bgzip each read of its own would decompress whole blocks, so
 * thousands of scaffolds would cost thousands of decompressions.
 */
function windowed(read: ReadAt): ReadAt {
  let start = -1;
  let bytes: Uint8Array = new Uint8Array(0);
  const atEnd = () => bytes.length < WINDOW_BYTES;
  return async (length, position) => {
    const inside = start >= 0 && position >= start && (position + length <= start + bytes.length || atEnd());
    if (!inside) {
      if (length > WINDOW_BYTES / 2) return read(length, position);
      start = Math.max(0, position - SMALL_SPAN);
      bytes = await read(WINDOW_BYTES, start);
    }
    const from = Math.min(position - start, bytes.length);
    return bytes.subarray(from, Math.min(from + length, bytes.length));
  };
}
