/**
 * Errors of the server's own storage (its state directory: uploads, job records, results).
 * They are the server's trouble, not the client's: 507 when the disk is full (the client
 * may retry once space is freed), 503 for other I/O failures; both with Retry-After, and
 * never naming server paths.
 */
const FULL: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
};

const OTHER: Record<string, string> = {
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOMEM: 'out of memory',
  EBUSY: 'resource busy',
  EFBIG: 'file too large for the file system',
};

export interface StorageFailure {
  status: 503 | 507;
  code: 'insufficient_storage' | 'storage_unavailable';
  /** What happened, in words, without paths. */
  what: string;
  retryAfterSeconds: number;
}

/** The storage failure `err` is (a system error from a file operation), or undefined. */
export function storageFailure(err: unknown): StorageFailure | undefined {
  const e = err as { code?: unknown; syscall?: unknown } | null;
  if (!e || typeof e.code !== 'string' || typeof e.syscall !== 'string') return undefined;
  if (FULL[e.code]) return { status: 507, code: 'insufficient_storage', what: `${e.code}: ${FULL[e.code]}`, retryAfterSeconds: 60 };
  if (OTHER[e.code]) return { status: 503, code: 'storage_unavailable', what: `${e.code}: ${OTHER[e.code]}`, retryAfterSeconds: 30 };
  return undefined;
}
