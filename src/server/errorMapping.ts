import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { GenomeinferError, errorMessage, type ErrorKind } from '../errors.js';
import { storageFailure } from './storageErrors.js';
import { requestTimeoutMessage, type Timeouts } from './timeouts.js';
import { ServiceError } from './serviceError.js';

/** Every error response body: a stable code and a message naming the problem. */
export interface ErrorBody {
  error: string;
  message: string;
}

export interface HttpError {
  status: number;
  body: ErrorBody;
  /** For the errors metric: a GenomeinferError kind, a ServiceError kind, or `internal`. */
  kind: string;
  retryAfterSeconds?: number;
}

/**
 * The one place pipeline error kinds become status codes. `model`: a served model that
 * misbehaves at run time is the server's fault; `device`: the accelerator is unusable now;
 * `cancelled`: the job was cancelled, so it has no result; `resource`: the machine ran out of
 * memory or disk, or lost a worker, so a later try may succeed.
 */
const STATUS_BY_KIND: Record<ErrorKind, number> = {
  input: 400,
  usage: 400,
  not_found: 404,
  model: 500,
  device: 503,
  cancelled: 409,
  resource: 503,
};

/** Fastify's own client errors, renamed to codes a client can rely on. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_VALIDATION: 'invalid_request',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'multipart_expected',
};

export function toHttpError(err: unknown): HttpError {
  if (err instanceof ServiceError) {
    return { status: err.status, body: { error: err.code, message: err.message }, kind: err.kind, retryAfterSeconds: err.retryAfterSeconds };
  }
  if (err instanceof GenomeinferError) {
    const status = STATUS_BY_KIND[err.kind];
    const message = status >= 500 && err.kind === 'model' ? `model failed at run time: ${err.message}` : err.message;
    return { status, body: { error: err.code, message }, kind: err.kind, retryAfterSeconds: status === 503 ? 30 : undefined };
  }
  const fastifyError = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const code = typeof fastifyError.code === 'string' ? fastifyError.code : '';
    const status = code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' ? 415 : fastifyError.statusCode;
    const message =
      code === 'FST_INVALID_MULTIPART_CONTENT_TYPE'
        ? 'this route takes a multipart/form-data body'
        : code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'unsupported content type: send application/json or multipart/form-data'
          : String(fastifyError.message);
    return { status, body: { error: FASTIFY_CODES[code] ?? (code.replace(/^FST_(ERR_)?/, '').toLowerCase() || 'bad_request'), message }, kind: 'usage' };
  }
  const storage = storageFailure(err);
  if (storage) {
    return {
      status: storage.status,
      body: {
        error: storage.code,
        message: `the server could not use its storage (${storage.what}); this is the server's problem, not the request's: retry in ${storage.retryAfterSeconds} s or later`,
      },
      kind: 'storage',
      retryAfterSeconds: storage.retryAfterSeconds,
    };
  }
  return { status: 500, body: { error: 'internal_error', message: 'internal error; the server log has the details' }, kind: 'internal' };
}

/**
 * A failed job's error as its record keeps it. Like toHttpError, except that a failure on
 * the server's side (a bug) says what broke, since there is no request to look up in the
 * log: the client learns it is not its input's fault and may submit again.
 */
export function describeJobFailure(err: unknown, jobId: string): ErrorBody & { kind: string } {
  const http = toHttpError(err);
  if (http.kind !== 'internal') return { ...http.body, kind: http.kind };
  const what = `${err instanceof Error ? err.name : 'Error'}: ${errorMessage(err).replace(/\/[^\s'"]*/g, '<server path>').slice(0, 300)}`;
  return {
    error: 'internal_error',
    message: `the job failed on the server's side, not because of its input (${what}); submit it again, and if it fails again report job ${jobId} to the server's operator (the server log has the details)`,
    kind: 'internal',
  };
}

interface SchemaError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
  /** With Ajv's `verbose`: the schema that failed (for additionalProperties, the object's). */
  parentSchema?: unknown;
}

/** Validation failures in words that name the field: "body has an unknown field 'fia'". */
export function describeSchemaErrors(errors: SchemaError[], dataVar: string): Error {
  const parts = errors.map((e) => {
    const where = `${dataVar}${e.instancePath.replace(/\//g, '.')}`;
    if (e.keyword === 'additionalProperties') {
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const takes = known.length ? `; it takes ${known.join(', ')}` : dataVar === 'querystring' ? '; this route takes none' : '';
      const what = dataVar === 'querystring' && e.instancePath === '' ? 'unknown query parameter' : `${where} has an unknown field`;
      return `${what} '${String(e.params.additionalProperty)}'${takes}`;
    }
    if (e.keyword === 'enum') return `${where} must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
    return `${where} ${e.message ?? 'is invalid'}`;
  });
  return new Error(parts.join('; '));
}

/** JSON error responses for thrown errors and unknown routes, counted by kind. */
export function registerErrorHandling(app: FastifyInstance, countError: (kind: string) => void): void {
  app.setErrorHandler((err, request, reply) => {
    const http = toHttpError(err);
    // A bug gets its stack; the server's storage trouble a line an operator acts on; a 503
    // that is the answer working as designed (warming up, busy, shutting down) only debug.
    if (http.kind === 'internal' || http.status === 500) {
      request.log.error({ err }, 'request failed');
      http.body.message = `internal error (request ${request.id}); the server log has the details`;
    } else if (http.kind === 'storage') request.log.error(`request failed: ${http.body.message}`);
    else if (http.status >= 500) request.log.debug(`answered ${http.status} ${http.body.error}: ${http.body.message}`);
    countError(http.kind);
    if (http.retryAfterSeconds !== undefined) void reply.header('Retry-After', String(http.retryAfterSeconds));
    if (http.status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="genomeinfer"');
    return reply.code(http.status).type('application/json; charset=utf-8').send(http.body);
  });
  app.setNotFoundHandler((request, reply) => {
    countError('not_found');
    return reply.code(404).send({ error: 'route_not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
}

/**
 * Requests Node's HTTP parser rejects before any route sees them (a body cut off mid-chunk,
 * oversized headers, headers or a request too slow) get the same JSON body as every other error.
 */
export function clientErrorAnswer(timeouts: Timeouts) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, body]: [number, ErrorBody] =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, { error: 'request_timeout', message: requestTimeoutMessage(timeouts) }]
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? [431, { error: 'headers_too_large', message: 'the request headers exceed the allowed size' }]
          : [400, { error: 'malformed_request', message: `the HTTP request could not be parsed (${err.code ?? err.message}); a body cut off before its end reads like this` }];
    const json = JSON.stringify(body);
    if (socket.writable) {
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${json}`);
    }
    socket.destroy(err);
  };
}

/** The JSON schema of ErrorBody, for route response schemas (and so the OpenAPI document). */
export const ERROR_SCHEMA = {
  $id: 'Error',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'stable machine-readable code, e.g. fasta_index_missing' },
    message: { type: 'string', description: 'what is wrong, naming the file, field, chromosome or limit' },
  },
} as const;
