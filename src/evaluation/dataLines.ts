import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Bp } from '../genome.js';
import { InputError, errorMessage } from '../errors.js';

/** One data line of a BED-like text file: its 1-based line number in the file and its columns. */
export interface DataLine {
  lineNumber: number;
  fields: string[];
}

/**
 * The data lines of a BED-like file (BED, bedGraph, genome file), streamed line by line so a
 * genome-wide bedGraph never has to fit in one string. Blank lines, `#` comments and UCSC
 * `track`/`browser` header lines are skipped. Columns are tab-separated (BED names may hold
 * spaces); a line without a tab is split on runs of whitespace.
 * `what` names the file in messages, e.g. 'truth BED'.
 */
export async function* dataLines(path: string, what: string): AsyncGenerator<DataLine> {
  const fh = await openRegularFile(path, what);
  const input = fh.createReadStream({ encoding: 'utf8', autoClose: false });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#') || /^(track|browser)(\s|$)/.test(trimmed)) continue;
      yield { lineNumber, fields: line.includes('\t') ? line.split('\t').map((f) => f.trim()) : trimmed.split(/\s+/) };
    }
  } finally {
    // Also reached when the caller stops early (a bad line): stop reading before closing.
    lines.close();
    input.destroy();
    await fh.close();
  }
}

async function openRegularFile(path: string, what: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('file_not_found', `${what} not found: ${path}`);
    throw new InputError('file_unreadable', `cannot read ${what} ${path}: ${errorMessage(err)}`);
  }
  // open() succeeds on a directory; reading it would fail later with a less clear EISDIR.
  if (!(await fh.stat()).isFile()) {
    await fh.close();
    throw new InputError('file_unreadable', `${what} ${path} is not a regular file`);
  }
  return fh;
}

/** The one-line error for a bad line: file, line number, problem. */
export function lineError(code: string, path: string, lineNumber: number, problem: string): InputError {
  return new InputError(code, `${path} line ${lineNumber}: ${problem}`);
}

/** A coordinate or length column: a non-negative integer written in decimal digits. */
export function parseBp(field: string | undefined, column: string, path: string, lineNumber: number, code: string): Bp {
  const n = field !== undefined && /^\d+$/.test(field) ? Number(field) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw lineError(code, path, lineNumber, `${column} '${field ?? ''}' is not a non-negative integer`);
  }
  return n;
}

/**
 * chrom, start, end of a BED or bedGraph line (0-based half-open), checked for shape and
 * order; `kind` names the format in messages and codes ('BED' → 'bed_invalid').
 */
export function parseInterval(line: DataLine, path: string, kind: 'BED' | 'bedGraph', minFields: number): { chrom: string; start: Bp; end: Bp } {
  const code = `${kind.toLowerCase()}_invalid`;
  const { fields, lineNumber } = line;
  if (fields.length < minFields || fields.slice(0, minFields).some((f) => f === '')) {
    const columns = kind === 'BED' ? 'chrom, start, end' : 'chrom, start, end, value';
    throw lineError(code, path, lineNumber, `not a ${kind} line: expected ${minFields} columns (${columns}), found ${fields.filter((f) => f !== '').length}`);
  }
  const chrom = fields[0]!;
  const start = parseBp(fields[1], 'start', path, lineNumber, code);
  const end = parseBp(fields[2], 'end', path, lineNumber, code);
  if (end < start) throw lineError(code, path, lineNumber, `end ${end} is before start ${start}`);
  return { chrom, start, end };
}
