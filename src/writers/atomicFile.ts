import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';

/** Bytes to write at a byte offset of a file. */
export interface FilePatch {
  position: number;
  bytes: Uint8Array;
}

/**
 * A file written under a hidden temporary name in its target directory and renamed into
 * place on `commit()`, so readers never see a partial result; `abort()` removes it.
 */
export class AtomicFile {
  private readonly stream: WriteStream;
  private readonly tmpPath: string;
  private done = false;

  private constructor(readonly path: string) {
    this.tmpPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    this.stream = createWriteStream(this.tmpPath);
  }

  static async create(path: string): Promise<AtomicFile> {
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
   * Writes a chunk, waiting for the stream to drain when its buffer is full. A byte chunk is
   * held by the stream until flushed: the caller must not reuse it.
   */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  /**
   * Finishes the file and renames it into place. `patches` overwrite bytes already written
   * (binary formats whose header points at what follows it, e.g. bigWig), before the rename.
   */
  async commit(patches: readonly FilePatch[] = []): Promise<void> {
    this.done = true;
    try {
      this.stream.end();
      await once(this.stream, 'finish');
      if (patches.length) {
        const fh = await open(this.tmpPath, 'r+');
        try {
          for (const p of patches) await fh.write(p.bytes, 0, p.bytes.length, p.position);
        } finally {
          await fh.close();
        }
      }
      await rename(this.tmpPath, this.path);
    } catch (err) {
      // abort() is a no-op once committing started, so a failed commit cleans up itself.
      await rm(this.tmpPath, { force: true });
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
  }
}
