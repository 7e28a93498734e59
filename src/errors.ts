/**
 * Typed errors carrying the user-facing message. The CLI prints `message` on one line;
 * the HTTP layer maps `kind` to a status code (input/usage → 400, not_found → 404, …).
 */
export type ErrorKind = 'input' | 'not_found' | 'model' | 'device' | 'usage' | 'cancelled' | 'resource';

export class GenomeinferError extends Error {
  readonly kind: ErrorKind;
  /** Stable machine-readable code, e.g. `fasta_index_missing`. */
  readonly code: string;
  constructor(kind: ErrorKind, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GenomeinferError';
    this.kind = kind;
    this.code = code;
  }
}

/** A user-supplied file (FASTA, index, bigWig) is missing, malformed or inconsistent. */
export class InputError extends GenomeinferError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('input', code, message, options);
    this.name = 'InputError';
  }
}

/** A model is unknown, or its manifest/weights are invalid. */
export class ModelError extends GenomeinferError {
  constructor(code: string, message: string, kind: 'model' | 'not_found' = 'model') {
    super(kind, code, message);
    this.name = 'ModelError';
  }
}

/** The requested execution provider cannot be used on this machine. */
export class DeviceError extends GenomeinferError {
  constructor(code: string, message: string) {
    super('device', code, message);
    this.name = 'DeviceError';
  }
}

/** Bad command-line usage. */
export class UsageError extends GenomeinferError {
  constructor(message: string) {
    super('usage', 'usage', message);
    this.name = 'UsageError';
  }
}

/** What the machine ran out of: the same input may succeed on another try (or another node). */
export type ResourceCode = 'disk_full' | 'out_of_memory' | 'worker_killed' | 'io_unavailable';

/**
 * The machine failed the work, not the input: the disk is full, memory ran out, a worker
 * thread died, the file system had an I/O error. A scheduler may run it again (the CLI exits
 * 75, EX_TEMPFAIL); the HTTP layer answers 503.
 */
export class ResourceError extends GenomeinferError {
  constructor(code: ResourceCode, message: string, options?: { cause?: unknown }) {
    super('resource', code, message, options);
    this.name = 'ResourceError';
  }
}

/** System error codes (errno) that say the machine, not the input, is at fault. */
const RESOURCE_ERRNO: Record<string, [ResourceCode, string]> = {
  ENOSPC: ['disk_full', 'disk full'],
  EDQUOT: ['disk_full', 'disk quota exceeded'],
  ENOMEM: ['out_of_memory', 'out of memory'],
  ERR_WORKER_OUT_OF_MEMORY: ['out_of_memory', 'a worker thread ran out of memory'],
  EIO: ['io_unavailable', 'input/output error'],
  ESTALE: ['io_unavailable', 'stale network file handle'],
  EMFILE: ['io_unavailable', 'too many open files'],
  ENFILE: ['io_unavailable', 'too many open files in the system'],
};

/**
 * Errors that carry no errno code but are the machine's: piscina's for a worker thread that
 * exited under a running batch, V8's for an ArrayBuffer it could not allocate, and ONNX
 * Runtime's for a tensor it could not allocate (its errors are plain messages).
 */
const RESOURCE_MESSAGES: [RegExp, ResourceCode, string][] = [
  [/^worker exited with code/, 'worker_killed', 'a worker thread was killed'],
  [/^Terminating worker thread/, 'worker_killed', 'a worker thread was terminated'],
  [/Array buffer allocation failed/, 'out_of_memory', 'out of memory'],
  [/Failed to allocate memory|std::bad_alloc/, 'out_of_memory', 'out of memory'],
];

/**
 * `err` as a ResourceError when it (or an error in its `cause` chain) is one of the
 * machine's failures above; undefined otherwise. Other typed errors keep their own kind:
 * an InputError about an unreadable FASTA stays the input's fault.
 */
export function asResourceError(err: unknown): ResourceError | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && e instanceof Error; depth++, e = e.cause) {
    if (e instanceof ResourceError) return e;
    if (e instanceof GenomeinferError) return undefined;
    const code = (e as NodeJS.ErrnoException).code;
    const byCode = typeof code === 'string' ? RESOURCE_ERRNO[code] : undefined;
    if (byCode) return new ResourceError(byCode[0], `${byCode[1]} (${code}): ${e.message}`, { cause: err });
    const byMessage = RESOURCE_MESSAGES.find(([pattern]) => pattern.test(e instanceof Error ? e.message : ''));
    if (byMessage) return new ResourceError(byMessage[1], `${byMessage[2]}: ${e.message}`, { cause: err });
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
