import { open } from 'node:fs/promises';
import { constants, gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';

export type Compression = 'none' | 'gzip' | 'bgzip';

const HEAD_BYTES = 1 << 16;

/**
 * How the file is compressed and its first bytes of content (decompressed), read before
 * any index: a FASTQ, or no FASTA at all, is named for what it is instead of failing on
 * its index. bgzip is gzip with a 'BC' extra subfield in every member header (SAM spec §4.1).
 */
export async function sniffFasta(path: string): Promise<Compression> {
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  let compression: Compression = 'none';
  let content = head;
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const hasExtra = head.length >= 16 && (head[3]! & 4) !== 0;
    compression = hasExtra && head[12] === 0x42 && head[13] === 0x43 ? 'bgzip' : 'gzip';
    try {
      // A sync flush decompresses what these bytes hold without asking for the rest.
      content = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      throw new InputError('fasta_unreadable', `${path} starts like a gzip file but cannot be decompressed: it is damaged or not gzip`);
    }
  }
  checkFastaContent(content, path);
  return compression;
}

function checkFastaContent(content: Buffer, path: string): void {
  let i = 0;
  while (i < content.length && (content[i] === 0x0a || content[i] === 0x0d || content[i] === 0x20 || content[i] === 0x09)) i++;
  if (i === content.length) return; // nothing but blank lines: the index check says it is empty
  const first = content[i];
  if (first === 0x3e) return; // '>'
  if (first === 0x40) {
    throw new InputError(
      'fasta_is_fastq',
      `${path} is FASTQ (its first record starts with '@'), not FASTA: genomeinfer reads an assembly as FASTA (+ .fai); convert it with: samtools fasta ${path} > out.fa && samtools faidx out.fa`,
    );
  }
  const line = content.subarray(i, i + 40).toString('latin1').split(/[\r\n]/, 1)[0]!.replace(/[^\x20-\x7e]/g, '?');
  throw new InputError('fasta_not_fasta', `${path} is not FASTA: a FASTA file starts with a '>' header line, this one starts with "${line}"`);
}
