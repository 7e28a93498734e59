import { stat } from 'node:fs/promises';
import { BgzipIndexedFasta, IndexedFasta } from '@gmod/indexedfasta';
import type { Bp, Chromosome } from '../genome.js';
import { InputError, errorMessage } from '../errors.js';
import { checkBgzipBlocks } from './bgzipIndexCheck.js';
import { byteOffset, checkFastaLayout, type FaiEntry } from './fastaLayout.js';
import { sniffFasta } from './fastaSniff.js';
import { ACCEPTED_DESCRIPTION, IS_NUCLEOTIDE, describeByte } from './nucleotideCodes.js';
import { OpenLocalFile } from './openLocalFile.js';
import { checkSequenceNames } from './sequenceNames.js';

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

/** The index paths a FASTA is read with: the given ones, else `${fasta}.fai` and `${fasta}.gzi`. */
export function indexPaths(paths: FastaPaths): { fai: string; gzi: string } {
  return { fai: paths.fai ?? `${paths.fasta}.fai`, gzi: paths.gzi ?? `${paths.fasta}.gzi` };
}

const NEWLINE = 0x0a;
const CR = 0x0d;
/** Bytes a plain FASTA is read ahead by for short reads (smallRead). */
const READ_AHEAD_BYTES = 256 * 1024;
/** A short read at most this far past the last one's end counts as following it (a header between two records). */
const SMALL_READ_GAP_BYTES = 4096;

/**
 * An indexed FASTA (plain `.fa` + `.fai`, or bgzip `.fa.gz` + `.fai` + `.gzi`) read
 * through @gmod/indexedfasta's file handles. `read()` returns raw ASCII bases (newlines
 * removed, case kept) for a 0-based half-open range, so a chromosome is only ever held
 * one segment at a time. Every byte read is checked: bases must be nucleotide codes and
 * line ends must sit where the index says (see read()).
 */
export class IndexedFastaSource {
  readonly path: string;
  readonly compressed: boolean;
  readonly chromosomes: readonly Chromosome[];
  private readonly lib: IndexedFasta;
  private readonly files: OpenLocalFile[];
  private readonly entries: Map<string, FaiEntry>;
  private readonly faiPath: string;
  private readonly gziPath: string | undefined;
  /** The last read-ahead block of a plain FASTA (smallRead): its file offset and bytes. */
  private ahead: { position: number; bytes: Uint8Array } | undefined;
  /** Where the last short read ended (file offset). */
  private lastEnd: number | undefined;

  private constructor(path: string, compressed: boolean, lib: IndexedFasta, files: OpenLocalFile[], fai: ParsedFai, faiPath: string, gziPath: string | undefined) {
    this.path = path;
    this.faiPath = faiPath;
    this.gziPath = gziPath;
    this.compressed = compressed;
    this.lib = lib;
    this.files = files;
    this.entries = new Map();
    const chromosomes: Chromosome[] = [];
    fai.names.forEach((name, i) => {
      chromosomes.push({ name, length: fai.lengths[i]! });
      this.entries.set(name, {
        name,
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
    const { fai: faiPath, gzi: defaultGzi } = indexPaths(paths);
    const size = await fileSize(fasta, 'fasta_not_found', `FASTA not found: ${fasta}`);
    if (size === 0) throw new InputError('fasta_empty', `empty FASTA: ${fasta} has no bytes`);
    // Before the .fai check: a FASTQ or no FASTA at all is named for what it is, and
    // samtools cannot index plain gzip, so its advice would not help.
    const compression = await sniffFasta(fasta);
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
    let contentSize = size;
    const files = [new OpenLocalFile(fasta), new OpenLocalFile(faiPath)];
    let gziPath: string | undefined;
    if (compression === 'bgzip') {
      gziPath = defaultGzi;
      await fileSize(
        gziPath,
        'fasta_gzi_missing',
        `bgzip FASTA ${fasta} needs its .gzi index, not found: ${gziPath} (create it with: samtools faidx ${fasta})`,
      );
      contentSize = await checkBgzipBlocks(fasta, gziPath);
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
    checkSequenceNames(fai.names, fasta, faiPath);
    const source = new IndexedFastaSource(fasta, compression === 'bgzip', lib, files, fai, faiPath, gziPath);
    try {
      await checkFastaLayout([...source.entries.values()], (length, position) => source.readRaw(length, position, `the headers before sequence bytes ${position}`), contentSize, fasta, faiPath);
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
    const small = !this.compressed && rawLength <= READ_AHEAD_BYTES / 4 ? await this.smallRead(rawLength, from) : undefined;
    const inPlace = !this.compressed && room >= rawLength;
    const target = inPlace ? new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset + outOffset, rawLength) : undefined;
    let raw: Uint8Array;
    if (this.compressed) raw = await this.readRaw(rawLength, from, `${chrom}:${start}-${end}`);
    else if (small && target) {
      // A read-ahead block's bytes are copied in at once and squeezed in place like a direct
      // read (one copy, not a view and a copy per line).
      target.set(small);
      raw = target;
    } else raw = small ?? (await this.files[0]!.readInto(target ?? new Uint8Array(rawLength), from));
    if (raw.length !== rawLength) {
      throw new InputError(
        'fasta_truncated',
        `${this.path}: ${chrom}:${start}-${end} lies past the end of the file; the FASTA is truncated or its .fai is stale`,
      );
    }
    // The (validated) index fixes the line geometry, so move whole line runs, skipping the
    // line terminators; each run's bytes are checked on the way (bases must be nucleotide
    // codes, and a line must end exactly where the index says), which catches a line
    // layout that disagrees with the .fai as well as non-nucleotide characters.
    const terminator = e.lineBytes - e.lineBases;
    for (let pos = start; pos < end; ) {
      const run = Math.min(e.lineBases - (pos % e.lineBases), end - pos);
      const at = byteOffset(e, pos) - from;
      // Branch-free over the line (twice as fast as a test per byte); the bad byte is looked for only when there is one.
      let ok = 1;
      for (let i = at, lineEnd = at + run; i < lineEnd; i++) ok &= IS_NUCLEOTIDE[raw[i]!]!;
      if (!ok) {
        for (let i = at; i < at + run; i++) if (IS_NUCLEOTIDE[raw[i]!] === 0) throw this.badByte(e, pos + i - at, raw[i]!);
      }
      if ((pos + run) % e.lineBases === 0 && pos + run < end) {
        for (let t = 0; t < terminator; t++) {
          const b = raw[at + run + t]!;
          if (b !== (t === terminator - 1 ? NEWLINE : CR)) throw this.lineTooLong(e, pos + run, from + at + run + t, b);
        }
      }
      if (inPlace) raw.copyWithin(pos - start, at, at + run);
      else out.set(raw.subarray(at, at + run), outOffset + pos - start);
      pos += run;
    }
    return out;
  }

  /**
   * `length` bytes at `position` of a plain FASTA from a read-ahead block, or undefined (the
   * caller reads them itself). Short sequences are read one after another in file order
   * (20,000 scaffolds, by the pipeline and by each feature worker), and a read call each cost
   * more than their bases; a block serves the next few hundred. Only a read that follows the
   * last one (within a header's length) starts a block, so scattered short reads do not read
   * 256 kB each. Each block is a new array, so a read still using the last one keeps it.
   */
  private async smallRead(length: number, position: number): Promise<Uint8Array | undefined> {
    const covers = (a: { position: number; bytes: Uint8Array } | undefined) =>
      a !== undefined && position >= a.position && position + length <= a.position + a.bytes.length;
    const follows = this.lastEnd !== undefined && position >= this.lastEnd && position - this.lastEnd <= SMALL_READ_GAP_BYTES;
    this.lastEnd = position + length;
    if (!covers(this.ahead)) {
      if (!follows) return undefined;
      this.ahead = { position, bytes: await this.files[0]!.readInto(new Uint8Array(READ_AHEAD_BYTES), position) };
    }
    const a = this.ahead;
    return a && covers(a) ? a.bytes.subarray(position - a.position, position - a.position + length) : undefined;
  }

  /** Uncompressed bytes; a bgzip file that fails to decompress is named, with what to do. */
  private async readRaw(length: number, position: number, what: string): Promise<Uint8Array> {
    try {
      return await this.lib.fasta.read(length, position);
    } catch (err) {
      throw new InputError(
        'fasta_unreadable',
        `${this.path}: reading ${what} failed (${errorMessage(err)}): the ${this.compressed ? 'bgzip ' : ''}file is damaged or truncated${this.compressed ? `, or its .gzi ${this.gziPath} belongs to another file; check it with bgzip -t ${this.path} and re-index it with samtools faidx ${this.path}` : ''}`,
      );
    }
  }

  /** A byte inside a sequence line that is no nucleotide code (or a line that ends early). */
  private badByte(e: FaiEntry, pos: Bp, b: number): InputError {
    const where = `sequence ${e.name}, base ${pos + 1} (line ${Math.floor(pos / e.lineBases) + 1} of the sequence, byte offset ${byteOffset(e, pos)})`;
    if (b === NEWLINE || b === CR) {
      return new InputError(
        'fasta_line_width_mismatch',
        `${this.path}: ${where}: the line ends after ${pos % e.lineBases} bases, but the index ${this.faiPath} says each line of ${e.name} but the last holds ${e.lineBases}; the file's line layout does not match its index (all lines of a sequence but its last must have the same length; samtools faidx refuses such a file)`,
      );
    }
    if (b === 0x3e) {
      return new InputError(
        'fasta_index_mismatch',
        `${this.path}: ${where}: a '>' header appears inside the sequence's indexed extent; the index ${this.faiPath} does not match the file (re-create it with: samtools faidx ${this.path})`,
      );
    }
    return new InputError(
      'fasta_invalid_character',
      `${this.path}: ${where} is ${describeByte(b)}, which is no nucleotide code; sequence lines may hold ${ACCEPTED_DESCRIPTION} (is it a protein FASTA, or damaged?)`,
    );
  }

  /** A line of the sequence that goes on where the index says it ends. */
  private lineTooLong(e: FaiEntry, lineEndPos: Bp, fileOffset: number, b: number): InputError {
    return new InputError(
      'fasta_line_width_mismatch',
      `${this.path}: sequence ${e.name}, line ${lineEndPos / e.lineBases} of the sequence (byte offset ${fileOffset}): found ${describeByte(b)} where the index ${this.faiPath} says the line ends after ${e.lineBases} bases; the file's line layout does not match its index (all lines of a sequence but its last must have the same length; samtools faidx refuses such a file)`,
    );
  }

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
