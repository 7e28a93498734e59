/**
 * Errors that exist only at the HTTP layer (auth, limits, path confinement, busy), carrying
 * their status and, for 429/503, how long the client should wait. Errors from the pipeline
 * stay GenomeinferErrors; errorMapping.ts turns both into responses.
 */
export type ServiceErrorKind = 'auth' | 'forbidden' | 'not_found' | 'too_large' | 'busy' | 'usage' | 'conflict' | 'not_ready' | 'timeout';

export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly kind: ServiceErrorKind,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const badRequest = (code: string, message: string) => new ServiceError(400, code, message, 'usage');
export const notFound = (code: string, message: string) => new ServiceError(404, code, message, 'not_found');
export const forbidden = (code: string, message: string) => new ServiceError(403, code, message, 'forbidden');
export const tooLarge = (code: string, message: string) => new ServiceError(413, code, message, 'too_large');
export const conflict = (code: string, message: string) => new ServiceError(409, code, message, 'conflict');
/** 429: the caller is asking for more than the queue takes; 503: the service cannot take it now. */
export const tooManyRequests = (code: string, message: string, retryAfterSeconds: number) =>
  new ServiceError(429, code, message, 'busy', retryAfterSeconds);
export const unavailable = (code: string, message: string, retryAfterSeconds: number, kind: ServiceErrorKind = 'busy') =>
  new ServiceError(503, code, message, kind, retryAfterSeconds);
