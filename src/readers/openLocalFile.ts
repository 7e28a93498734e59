import { open, readFile, stat, type FileHandle } from 'node:fs/promises';

/**
 * A local file handle for @gmod/indexedfasta that keeps one descriptor open. The library's
 * default LocalFile opens and closes the file on every read, which at one read per segment
 * is most of the reader's cost.
 */
export class OpenLocalFile {
  private handle: Promise<FileHandle> | undefined;

  constructor(readonly path: string) {}

  async read(length: number, position = 0): Promise<Uint8Array<ArrayBuffer>> {
    const buffer = new Uint8Array(length);
    if (length === 0) return buffer;
    this.handle ??= open(this.path, 'r');
    const fh = await this.handle;
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(buffer, done, length - done, position + done);
      if (bytesRead === 0) break; // end of file: callers check the length they got
      done += bytesRead;
    }
    return buffer.subarray(0, done);
  }

  // The library's interface overloads readFile on an encoding; we pass options through.
  readFile(options?: any): Promise<any> {
    return readFile(this.path, options);
  }

  async stat(): Promise<{ size: number }> {
    return stat(this.path);
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h) await (await h).close();
  }
}
