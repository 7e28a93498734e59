import { open, stat } from 'node:fs/promises';
import { BgzipIndexedFasta, IndexedFasta } from '@gmod/indexedfasta';
import type { Bp, Chromosome } from '../genome.js';
import { InputError, errorMessage } from '../errors.js';
import { OpenLocalFile } from './openLocalFile.js';

/** One .fai row: where a sequence's bases live in the (uncompressed) FASTA bytes. */
interface FaiEntry {
  offset: number;
  lineBases: number;
  lineBytes: number;
}

interface ParsedFai {
  names: string[];
  lengths: number[];
  offsets: number[];
  lineLengths: number[];
  lineBytes: number[];
}

export interface FastaPaths {
  fasta: string;
  /** Defaults to `${fasta}.fai`. */
  fai?: string;
  /** Defaults to `${fasta}.gzi`; only used for bgzip FASTA. */
  gzi?: string;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const GT = 0x3e;

/**
 * An indexed FASTA (plain `.fa` + `.fai`, or bgzip `.fa.gz` + `.fai` + `.gzi`) read
 * through @gmod/indexedfasta's file handles. `read()` returns raw ASCII bases (newlines
 * removed, case kept) for a 0-based half-open range, so a chromosome is only ever held
 * one segment at a time.
 */
export class IndexedFastaSource {
  readonly path: string;
  readonly compressed: boolean;
  readonly chromosomes: readonly Chromosome[];
  private readonly lib: IndexedFasta;
  private readonly files: OpenLocalFile[];
  private readonly entries: Map<string, FaiEntry & { length: Bp }>;

  private constructor(path: string, compressed: boolean, lib: IndexedFasta, files: OpenLocalFile[], fai: ParsedFai) {
    this.path = path;
    this.compressed = compressed;
    this.lib = lib;
    this.files = files;
    this.entries = new Map();
    const chromosomes: Chromosome[] = [];
    fai.names.forEach((name, i) => {
      chromosomes.push({ name, length: fai.lengths[i]! });
      this.entries.set(name, {
        length: fai.lengths[i]!,
        offset: fai.offsets[i]!,
        lineBases: fai.lineLengths[i]!,
        lineBytes: fai.lineBytes[i]!,
      });
    });
    this.chromosomes = chromosomes;
  }

  /** Opens and validates the FASTA and its indexes; throws InputError naming the problem. */
  static async open(paths: FastaPaths): Promise<IndexedFastaSource> {
    const fasta = paths.fasta;
    const faiPath = paths.fai ?? `${fasta}.fai`;
    const size = await fileSize(fasta, 'fasta_not_found', `FASTA not found: ${fasta}`);
    if (size === 0) throw new InputError('fasta_empty', `empty FASTA: ${fasta} has no bytes`);
    // Before the .fai check: samtools cannot index plain gzip, so its advice would not help.
    const compression = await sniffCompression(fasta);
    if (compression === 'gzip') {
      throw new InputError(
        'fasta_not_bgzip',
        `${fasta} is gzip- but not bgzip-compressed; recompress it with: zcat ${fasta} | bgzip > out.fa.gz && samtools faidx out.fa.gz`,
      );
    }
    await fileSize(
      faiPath,
      'fasta_index_missing',
      `FASTA index not found: ${faiPath} (create it with: samtools faidx ${fasta})`,
    );
    let lib: IndexedFasta;
    const files = [new OpenLocalFile(fasta), new OpenLocalFile(faiPath)];
    if (compression === 'bgzip') {
      const gziPath = paths.gzi ?? `${fasta}.gzi`;
      await fileSize(
        gziPath,
        'fasta_gzi_missing',
        `bgzip FASTA ${fasta} needs its .gzi index, not found: ${gziPath} (create it with: samtools faidx ${fasta})`,
      );
      files.push(new OpenLocalFile(gziPath));
      lib = new BgzipIndexedFasta({ fasta: files[0], fai: files[1], gzi: files[2] });
    } else {
      lib = new IndexedFasta({ fasta: files[0], fai: files[1] });
    }
    let fai: ParsedFai;
    try {
      // _getIndexes is the library's parsed .fai (public in its typings); we need the
      // offsets and line geometry to validate the index and to read bytes directly.
      fai = await lib._getIndexes();
    } catch (err) {
      throw new InputError('fasta_index_invalid', `cannot read FASTA index ${faiPath}: ${errorMessage(err)}`);
    }
    checkFaiRows(fai, faiPath);
    if (fai.names.length === 0 || fai.lengths.every((l) => l === 0)) {
      throw new InputError('fasta_empty', `empty FASTA: ${fasta} has no sequences (index ${faiPath} lists none with bases)`);
    }
    const source = new IndexedFastaSource(fasta, compression === 'bgzip', lib, files, fai);
    try {
      await source.checkIndexMatchesFasta(faiPath);
    } catch (err) {
      await source.close();
      throw err;
    }
    return source;
  }

  async close(): Promise<void> {
    await Promise.all(this.files.map((f) => f.close()));
  }

  chromosome(name: string): Chromosome | undefined {
    const e = this.entries.get(name);
    return e ? { name, length: e.length } : undefined;
  }

  /**
   * Bases [start, end) of `chrom` as ASCII bytes (case kept), written into `out` at
   * `outOffset` (a new array by default). The range must lie inside the chromosome;
   * callers pad outside it themselves.
   */
  async read(chrom: string, start: Bp, end: Bp, out = new Uint8Array(end - start), outOffset = 0): Promise<Uint8Array> {
    const e = this.entries.get(chrom);
    if (!e) throw new InputError('chromosome_unknown', `${this.path} has no sequence named ${chrom}`);
    if (start < 0 || end > e.length || start > end) {
      throw new RangeError(`range ${chrom}:${start}-${end} outside 0-${e.length}`);
    }
    if (end === start) return out;
    const from = byteOffset(e, start);
    const rawLength = byteOffset(e, end - 1) + 1 - from;
    // Plain FASTA is read straight into `out`'s buffer when it has room for the line ends
    // (the engine's segment buffers do) and the line ends are squeezed out in place: no
    // second buffer and no per-line views to garbage-collect.
    const room = out.buffer.byteLength - out.byteOffset - outOffset;
    const inPlace = !this.compressed && room >= rawLength;
    const raw = this.compressed
      ? await this.lib.fasta.read(rawLength, from)
      : await this.files[0]!.readInto(inPlace ? new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset + outOffset, rawLength) : new Uint8Array(rawLength), from);
    if (raw.length !== rawLength) {
      throw new InputError(
        'fasta_truncated',
        `${this.path}: ${chrom}:${start}-${end} lies past the end of the file; the FASTA is truncated or its .fai is stale`,
      );
    }
    // The (validated) index fixes the line geometry, so move whole line runs, skipping the
    // line terminators, instead of testing every byte.
    for (let pos = start; pos < end; ) {
      const run = Math.min(e.lineBases - (pos % e.lineBases), end - pos);
      const at = byteOffset(e, pos) - from;
      if (inPlace) raw.copyWithin(pos - start, at, at + run);
      else out.set(raw.subarray(at, at + run), outOffset + pos - start);
      pos += run;
    }
    return out;
  }

  /**
   * Catches a .fai that belongs to another FASTA (or a stale one): each sequence's first
   * base must follow its own `>name` header line, and its last base must be followed by
   * a newline, the next header or the end of the file.
   */
  private async checkIndexMatchesFasta(faiPath: string): Promise<void> {
    const mismatch = (name: string, what: string) =>
      new InputError(
        'fasta_index_mismatch',
        `FASTA index ${faiPath} does not match ${this.path}: sequence ${name} ${what} (re-create it with: samtools faidx ${this.path})`,
      );
    for (const { name, length } of this.chromosomes) {
      const e = this.entries.get(name)!;
      const headerLen = Math.min(e.offset, name.length + 2 + 4096);
      const before = await this.lib.fasta.read(headerLen, e.offset - headerLen);
      if (before.length !== headerLen || before[headerLen - 1] !== NEWLINE) {
        throw mismatch(name, `does not start on a new line at byte ${e.offset}`);
      }
      let lineStart = headerLen - 2;
      while (lineStart >= 0 && before[lineStart] !== NEWLINE) lineStart--;
      const header = Buffer.from(before.subarray(lineStart + 1, headerLen - 1)).toString('latin1').replace(/\r$/, '');
      const headerName = header.slice(1).split(/\s/, 1)[0];
      if (header.charCodeAt(0) !== GT || headerName !== name) {
        throw mismatch(name, `is preceded by header "${header.slice(0, 60)}" instead of ">${name}"`);
      }
      if (length === 0) continue;
      const last = byteOffset(e, length - 1);
      const tail = await this.lib.fasta.read(64, last);
      const lastBase = tail[0];
      if (lastBase === undefined || lastBase === NEWLINE || lastBase === CR || lastBase === GT) {
        throw mismatch(name, `has no base at byte ${last}, where its length ${length} says it ends`);
      }
      // After the last base and its line end(s) (samtools allows blank lines) comes the
      // next header or the end of the file; a base there means the length is too short by
      // whole lines (or too long, ending inside the next header).
      const after = tail.subarray(1).find((b) => b !== NEWLINE && b !== CR);
      if (after !== undefined && (after === tail[1] || after !== GT)) {
        throw mismatch(name, `continues past its indexed length ${length}`);
      }
    }
  }
}

function byteOffset(e: FaiEntry, pos: Bp): number {
  return e.offset + Math.floor(pos / e.lineBases) * e.lineBytes + (pos % e.lineBases);
}

function checkFaiRows(fai: ParsedFai, faiPath: string): void {
  fai.names.forEach((name, i) => {
    const numbers = [fai.lengths[i], fai.offsets[i], fai.lineLengths[i], fai.lineBytes[i]];
    const ok =
      name.length > 0 &&
      numbers.every((v) => Number.isInteger(v) && v! >= 0) &&
      fai.lineLengths[i]! > 0 &&
      fai.lineBytes[i]! > fai.lineLengths[i]! - 1;
    if (!ok) {
      throw new InputError('fasta_index_invalid', `FASTA index ${faiPath} line ${i + 1} is not a valid .fai row (name, length, offset, linebases, linewidth)`);
    }
  });
}

async function fileSize(path: string, code: string, message: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new InputError(code, `${message} (not a regular file)`);
    return s.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(code, message);
  }
}

/** bgzip is gzip with a 'BC' extra subfield in every member header (SAM spec §4.1). */
async function sniffCompression(path: string): Promise<'none' | 'gzip' | 'bgzip'> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await fh.read(head, 0, 16, 0);
    if (bytesRead < 2 || head[0] !== 0x1f || head[1] !== 0x8b) return 'none';
    const hasExtra = bytesRead >= 16 && (head[3]! & 4) !== 0;
    return hasExtra && head[12] === 0x42 && head[13] === 0x43 ? 'bgzip' : 'gzip';
  } finally {
    await fh.close();
  }
}
