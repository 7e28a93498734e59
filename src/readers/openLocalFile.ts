import { closeSync, openSync, readSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

/**
 * A local file handle for @gmod/indexedfasta that keeps one descriptor open. The library's
 * default LocalFile opens and closes the file on every read, which at one read per segment
 * is most of the reader's cost.
 */
export class OpenLocalFile {
  private fd: number | undefined;

  constructor(readonly path: string) {}

  read(length: number, position = 0): Promise<Uint8Array<ArrayBuffer>> {
    return this.readInto(new Uint8Array(length), position);
  }

  /** Fills `buffer` from `position`; returns the part filled (shorter at the end of the file). */
  async readInto<T extends Uint8Array<ArrayBuffer>>(buffer: T, position: number): Promise<Uint8Array<ArrayBuffer>> {
    const length = buffer.length;
    if (length === 0) return buffer;
    // A synchronous pread of one segment (~100 kB, usually from the page cache) blocks for
    // tens of microseconds and costs far less CPU than a thread-pool round trip per read.
    this.fd ??= openSync(this.path, 'r');
    let done = 0;
    while (done < length) {
      const bytesRead = readSync(this.fd, buffer, done, length - done, position + done);
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
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
