/**
 * Typed errors carrying the user-facing message. The CLI prints `message` on one line;
 * the HTTP layer maps `kind` to a status code (input/usage → 400, not_found → 404, …).
 */
export type ErrorKind = 'input' | 'not_found' | 'model' | 'device' | 'usage' | 'cancelled';

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

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
