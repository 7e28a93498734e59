import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { GenomeinferError } from '../errors.js';

/** Bytes to write at a byte offset of a file. */
export interface FilePatch {
  position: number;
  bytes: Uint8Array;
}

/** Temporary files not yet committed or aborted, for removeUnfinishedTempFiles(). */
const unfinished = new Set<string>();

/**
 * Removes (synchronously, so it can run in a signal handler just before exit) every
 * temporary file of this process not yet committed or aborted.
 */
export function removeUnfinishedTempFiles(): void {
  for (const path of unfinished) rmSync(path, { force: true });
  unfinished.clear();
}

/**
 * Fails at once when `path` cannot become a file: it names a directory (the rename would
 * fail only after all the work). Called by create(), and by commands before they start.
 */
export async function assertFileTarget(path: string, what = 'output'): Promise<void> {
  const s = await stat(path).catch(() => undefined);
  if (s?.isDirectory()) {
    throw new GenomeinferError('usage', 'output_is_directory', `${what} ${path} is a directory; name a file to write (e.g. ${join(path, 'out.bed')})`);
  }
}

/**
 * Makes a rename (or a new entry) in `dir` durable: without it a power loss can forget the
 * rename even though the file's bytes were synced.
 */
export async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes smaller than this are gathered into one: a run over 20,000 scaffolds writes a few
 * lines per scaffold to each BED and bedGraph file, and a stream write per line group cost
 * more than the lines themselves.
 */
const COALESCE_BYTES = 64 * 1024;

/** What flush returns when it writes nothing. */
const GATHERED = Promise.resolve();

/** Size of each staging buffer (AtomicFile.stageRoom): one allocation per this many bytes written in place. */
const STAGE_BYTES = 64 * 1024;

/**
 * A file written under a hidden temporary name in its target directory and renamed into
 * place on `commit()`, so readers never see a partial result; `abort()` removes it.
 * Committing syncs the file before the rename and the directory after it, so a committed
 * file survives a power loss, not only a killed process.
 */
export class AtomicFile {
  private readonly stream: WriteStream;
  private readonly tmpPath: string;
  private done = false;
  /** The stream's first error (a full disk): thrown by the next write or commit, never left unhandled. */
  private error: Error | undefined;
  /** Small chunks gathered into one write (see COALESCE_BYTES). */
  private pending: (string | Uint8Array)[] = [];
  private pendingBytes = 0;
  /** Bytes written in place (stageRoom): [stageFrom, stageEnd) is not yet among `pending`. */
  private stage = Buffer.alloc(0);
  private stageFrom = 0;
  private stageEnd = 0;

  private constructor(readonly path: string) {
    this.tmpPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    unfinished.add(this.tmpPath);
    this.stream = createWriteStream(this.tmpPath);
    this.stream.on('error', (err) => void (this.error ??= err));
  }

  static async create(path: string): Promise<AtomicFile> {
    await assertFileTarget(path);
    await mkdir(dirname(path), { recursive: true });
    const f = new AtomicFile(path);
    await once(f.stream, 'open');
    return f;
  }

  /** A whole small file (a JSON record, a table) written at once, atomically. */
  static async writeText(path: string, text: string): Promise<void> {
    const file = await AtomicFile.create(path);
    try {
      await file.write(text);
      await file.commit();
    } catch (err) {
      await file.abort();
      throw err;
    }
  }

  /**
   * Writes a chunk, waiting for the stream to drain when its buffer is full. Chunks are
   * gathered (gather) and written together once COALESCE_BYTES are (flush). A byte chunk may be
   * held until written: the caller must not reuse it. Not an async function: a chunk that is
   * only gathered (a short scaffold's lines or bigWig blocks) costs no promise.
   */
  write(chunk: string | Uint8Array): Promise<void> {
    try {
      this.gather(chunk);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.flush();
  }

  /**
   * Gathers a chunk without writing anything (synchronous), for callers that place many small
   * pieces at once and flush after them (a bigWig's blocks of one chromosome).
   */
  gather(chunk: string | Uint8Array): void {
    if (this.error) throw this.error;
    this.takeStaged();
    this.pending.push(chunk);
    this.pendingBytes += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
  }

  /**
   * A buffer with at least `n` free bytes from `stagedEnd`, for callers that write many small
   * pieces in place (a bigWig's short sections, bedGraph lines): fill them, then say where
   * the filled bytes end with staged(). No allocation per piece, where gather() takes a chunk
   * each; staged bytes keep their order with gathered chunks.
   */
  stageRoom(n: number): Buffer {
    if (this.error) throw this.error;
    if (this.stageEnd + n > this.stage.length) {
      this.takeStaged();
      this.stage = Buffer.allocUnsafe(Math.max(STAGE_BYTES, n));
      this.stageFrom = this.stageEnd = 0;
    }
    return this.stage;
  }

  /** Where the next staged bytes go in stageRoom()'s buffer. */
  get stagedEnd(): number {
    return this.stageEnd;
  }

  /** The staging buffer is filled up to `end` (at most stagedEnd + the room asked for). */
  staged(end: number): void {
    this.pendingBytes += end - this.stageEnd;
    this.stageEnd = end;
  }

  /** Staged bytes join `pending`, as a view: the stage is only ever written past them. */
  private takeStaged(): void {
    if (this.stageEnd === this.stageFrom) return;
    this.pending.push(this.stage.subarray(this.stageFrom, this.stageEnd));
    this.stageFrom = this.stageEnd;
  }

  /** Writes what is gathered once it is worth a write: COALESCE_BYTES or more. */
  flush(): Promise<void> {
    return this.pendingBytes < COALESCE_BYTES ? GATHERED : this.writePending();
  }

  private async writePending(): Promise<void> {
    this.takeStaged();
    if (this.pending.length === 0) return;
    const parts = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    const chunk =
      parts.length === 1
        ? parts[0]!
        : parts.every((p) => typeof p === 'string')
          ? parts.join('')
          : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    await this.writeNow(chunk);
  }

  private async writeNow(chunk: string | Uint8Array): Promise<void> {
    if (this.stream.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const settle = () => {
        this.stream.off('drain', settle);
        this.stream.off('close', settle);
        if (this.error) reject(this.error);
        else resolve();
      };
      this.stream.on('drain', settle);
      this.stream.on('close', settle); // a failed stream closes instead of draining
    });
  }

  /**
   * Finishes the file and renames it into place. `patches` overwrite bytes already written
   * (binary formats whose header points at what follows it, e.g. bigWig), before the rename.
   */
  async commit(patches: readonly FilePatch[] = []): Promise<void> {
    this.done = true;
    let renamed = false;
    try {
      if (this.error) throw this.error;
      await this.writePending();
      this.stream.end();
      await finished(this.stream);
      const fh = await open(this.tmpPath, 'r+');
      try {
        for (const p of patches) await fh.write(p.bytes, 0, p.bytes.length, p.position);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(this.tmpPath, this.path);
      renamed = true;
      unfinished.delete(this.tmpPath);
      await syncDirectory(dirname(this.path));
    } catch (err) {
      // abort() is a no-op once committing started, so a failed commit cleans up itself:
      // a file that is not known to be durable is not left in place either.
      await rm(renamed ? this.path : this.tmpPath, { force: true });
      unfinished.delete(this.tmpPath);
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    // Writes still in flight fail once the stream is destroyed; that is moot when aborting.
    this.stream.on('error', () => undefined);
    if (!this.stream.closed) {
      const closed = new Promise<void>((resolve) => this.stream.once('close', () => resolve()));
      this.stream.destroy();
      await closed;
    }
    await rm(this.tmpPath, { force: true });
    unfinished.delete(this.tmpPath);
  }
}
