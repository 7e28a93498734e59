import { open } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from './serviceError.js';

/** One satisfiable byte range, inclusive at both ends (as Content-Range writes it). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a Range header against a representation of `size` bytes (RFC 9110 §14): a range to
 * send, 'unsatisfiable' (416), or undefined when the whole file is the answer: no header, a
 * unit other than bytes, a malformed value, or several ranges (a server may always answer a
 * range request with the whole representation; genome browsers ask for one range at a time).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return undefined;
  const [, first, last] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // A suffix: the last N bytes (all of them when N exceeds the size).
    const n = Number(last);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/**
 * Sends the file at `path` with range support: 200 with the whole file, 206 with the one
 * range asked for, 416 when it lies past the end. The file is opened once and its size
 * taken from the open descriptor, so a file replaced meanwhile (results are renamed into
 * place) is never read at one size and sent at another. The caller sets Content-Type and
 * has checked that the client may read the file.
 */
export async function sendFileWithRanges(request: FastifyRequest, reply: FastifyReply, path: string): Promise<FastifyReply> {
  const file = await open(path, 'r');
  try {
    const { size, mtime } = await file.stat();
    const lastModified = new Date(Math.floor(mtime.getTime() / 1000) * 1000).toUTCString();
    void reply.header('Accept-Ranges', 'bytes').header('Last-Modified', lastModified);
    // If-Range with anything but the current Last-Modified: the file changed, send all of it.
    const ifRange = request.headers['if-range'];
    const range = ifRange === undefined || ifRange === lastModified ? parseRange(request.headers.range, size) : undefined;
    if (range === 'unsatisfiable') {
      await file.close();
      void reply.header('Content-Range', `bytes */${size}`);
      throw new ServiceError(416, 'range_not_satisfiable', `the requested range '${request.headers.range}' lies outside the file's ${size} bytes`, 'usage');
    }
    if (range === undefined) {
      void reply.header('Content-Length', String(size));
      // `end` sends exactly the Content-Length promised (even if the file grows meanwhile),
      // and ends the stream with its last byte rather than on a further read.
      return reply.send(size === 0 ? (await file.close(), '') : file.createReadStream({ start: 0, end: size - 1 }));
    }
    void reply
      .code(206)
      .header('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
      .header('Content-Length', String(range.end - range.start + 1));
    return reply.send(file.createReadStream({ start: range.start, end: range.end }));
  } catch (err) {
    await file.close().catch(() => undefined);
    throw err;
  }
}
