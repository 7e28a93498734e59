import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';

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

  /** Writes a chunk, waiting for the stream to drain when its buffer is full. */
  async write(chunk: string): Promise<void> {
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async commit(): Promise<void> {
    this.done = true;
    this.stream.end();
    await once(this.stream, 'finish');
    await rename(this.tmpPath, this.path);
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.stream.destroy();
    await rm(this.tmpPath, { force: true });
  }
}
