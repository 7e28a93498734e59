import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import type { GenomeInputPaths } from '../pipeline/genomeInput.js';
import type { ServerContext } from './context.js';
import { PathLabels } from './pathLabels.js';
import { badRequest, ServiceError, tooLarge } from './serviceError.js';
import { storageFailure } from './storageErrors.js';
import { stallRejection } from './timeouts.js';

/** A genome received as multipart fields `fasta`, `fai`, `gzi` and `track:<NAME>`, on disk. */
export interface UploadedGenome {
  paths: GenomeInputPaths;
  /** Which files the client sent, by field (the .gzi path is set even when none came). */
  sent: Set<string>;
  /** The uploaded files' paths → `'name.fa' (field fasta)`. */
  labels: PathLabels;
  /** The text fields allowed by the caller (e.g. `model`). */
  fields: Record<string, string>;
  bytes: number;
}

const FILE_FIELDS = ['fasta', 'fai', 'gzi'] as const;
const TRACK_PREFIX = 'track:';

/** A client's file name, safe to quote in a message. */
const printable = (name: string | undefined) => (name ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 120) || 'unnamed';

/** Counts bytes across all parts and fails the stream once the total passes the limit. */
function byteLimit(state: { bytes: number }, maxBytes: number, field: string): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      state.bytes += chunk.length;
      if (state.bytes > maxBytes) done(uploadTooLarge(maxBytes, field));
      else done(null, chunk);
    },
  });
}

const uploadTooLarge = (maxBytes: number, field: string) =>
  tooLarge(
    'upload_too_large',
    `upload exceeds the server's limit of ${maxBytes} bytes (--max-upload-bytes) while receiving field ${field}; put large genomes under a data root and submit a job naming their path`,
  );

/**
 * Receives a genome upload into a fresh scratch directory under the server's uploads
 * directory (`<prefix>XXXXXX`), counts its bytes in /metrics and hands it to `use`. The
 * directory is removed afterwards whatever happens; a job that took the files has moved
 * them out of it already. The routes that take uploads (predict, attribution, jobs) share it.
 */
export async function withGenomeUpload<T>(
  ctx: ServerContext,
  request: FastifyRequest,
  prefix: string,
  textFields: readonly string[],
  use: (upload: UploadedGenome, dir: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(ctx.uploadsDir, prefix));
  try {
    const upload = await receiveGenomeUpload(request, dir, ctx.limits.maxUploadBytes, textFields);
    ctx.metrics.uploadBytes.inc(upload.bytes);
    return await use(upload, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Streams every file part of `request` to `dir` (which the caller owns and removes), never
 * holding a file in memory; 413 past `maxBytes` in total, 400 for unknown, repeated or
 * missing fields and for a body that is not well-formed multipart.
 */
export async function receiveGenomeUpload(
  request: FastifyRequest,
  dir: string,
  maxBytes: number,
  textFields: readonly string[],
): Promise<UploadedGenome> {
  const labels = new PathLabels();
  const sent = new Set<string>();
  const fields: Record<string, string> = {};
  const tracks: Record<string, string> = {};
  const paths: Partial<Record<(typeof FILE_FIELDS)[number], string>> = {};
  const state = { bytes: 0 };
  // A stalled body (request.bodyStalled) ends the wait for the next part or the next bytes.
  const stalled = stallRejection(request.bodyStalled);
  stalled.catch(() => undefined);
  const parts = request.parts()[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([parts.next(), stalled]);
      if (next.done) break;
      const part = next.value;
      const field = part.fieldname;
      if (sent.has(field) || Object.hasOwn(fields, field)) throw badRequest('upload_field_repeated', `upload field ${field} was sent more than once`);
      if (part.type === 'field') {
        if (!textFields.includes(field)) throw unknownField(field, textFields);
        fields[field] = String(part.value);
        continue;
      }
      let path: string;
      if ((FILE_FIELDS as readonly string[]).includes(field)) {
        path = join(dir, field);
        paths[field as (typeof FILE_FIELDS)[number]] = path;
      } else if (field.startsWith(TRACK_PREFIX) && field.length > TRACK_PREFIX.length) {
        path = join(dir, `track-${Object.keys(tracks).length}.bw`);
        tracks[field.slice(TRACK_PREFIX.length)] = path;
      } else {
        part.file.resume();
        throw unknownField(field, textFields);
      }
      sent.add(field);
      labels.set(path, `'${printable(part.filename)}' (field ${field})`);
      await pipeline(part.file, byteLimit(state, maxBytes, field), createWriteStream(path), { signal: request.bodyStalled });
      // busboy's own per-file limit (set to the same total) truncates rather than fails.
      if (part.file.truncated) throw uploadTooLarge(maxBytes, field);
    }
  } catch (err) {
    throw request.bodyStalled?.aborted ? request.bodyStalled.reason : asUploadError(err, maxBytes);
  }
  if (!paths.fasta) throw badRequest('upload_fasta_missing', 'the upload has no fasta field: send the genome (FASTA or bgzip FASTA) as multipart file field fasta');
  if (!paths.fai) {
    throw badRequest(
      'fasta_index_missing',
      `the upload has no fai field: send the FASTA index of ${labels.translate(paths.fasta)} as field fai (create it with: samtools faidx FILE)`,
    );
  }
  // Always passed: when the FASTA is bgzip and no .gzi came, the reader names this path.
  const gzi = paths.gzi ?? join(dir, 'gzi');
  if (!paths.gzi) labels.set(gzi, 'field gzi (not sent)');
  return { paths: { fasta: paths.fasta, fai: paths.fai, gzi, tracks }, sent, labels, fields, bytes: state.bytes };
}

const unknownField = (field: string, textFields: readonly string[]) =>
  badRequest('upload_field_unknown', `unknown upload field ${field}; the fields are ${['fasta', 'fai', 'gzi', 'track:<NAME>', ...textFields].join(', ')}`);

/** Our own errors pass through; the multipart parser's become 413 or 400 naming the fault. */
function asUploadError(err: unknown, maxBytes: number): unknown {
  if (err instanceof ServiceError) return err;
  // Writing the received file failed (disk full, I/O error): the server's fault, not the body's.
  if (storageFailure(err)) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return err;
  if (e.code === 'FST_REQ_FILE_TOO_LARGE') return uploadTooLarge(maxBytes, 'file');
  if (e.statusCode === 413) return tooLarge('upload_too_many_parts', `upload has too many parts: ${e.message}`);
  return badRequest('malformed_multipart', `the multipart body could not be read: ${e.message ?? String(err)}`);
}
