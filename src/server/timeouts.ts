import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ServiceError } from './serviceError.js';

/** How long the server waits for a client, in milliseconds (README: HTTP service, Timeouts). */
export interface Timeouts {
  /** From the connection (or the previous request) until the request headers are complete. */
  headerMs: number;
  /** The longest a request body may go without a byte arriving. */
  bodyIdleMs: number;
  /** From the start of a request until its whole body has arrived. */
  requestMs: number;
  /** An idle kept-alive connection between requests is closed after this. */
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { headerMs: 30_000, bodyIdleMs: 60_000, requestMs: 3_600_000, keepAliveMs: 72_000 };

/**
 * Fastify/Node server options for the header, whole-request and keep-alive timeouts. Node
 * checks the first two on an interval (30 s by default), shortened here so short limits hold.
 */
export function serverTimeoutOptions(t: Timeouts) {
  return {
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    http: { headersTimeout: t.headerMs, connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(Math.min(t.headerMs, t.requestMs) / 4))) },
  };
}

const seconds = (ms: number) => `${ms / 1000} s`;

declare module 'fastify' {
  interface FastifyRequest {
    /** Aborted (reason: a 408 ServiceError) when the request body stops arriving. */
    bodyStalled?: AbortSignal;
  }
}

/**
 * The body idle timeout: a request whose body stops arriving (a stalled client, or a
 * Content-Length larger than what it sends) is answered 408 instead of holding the
 * connection, and whatever it holds, until the client gives up. Node has no such timeout
 * (its socket timeout would also cut long synchronous predictions, which are silent once
 * the body is in), so the bytes read on the socket are watched while the body is incomplete.
 * Readers of the body see `request.bodyStalled`: multipart uploads race it, JSON bodies
 * get a stream that fails with it.
 */
export function registerBodyIdleTimeout(app: FastifyInstance, t: Timeouts): void {
  app.decorateRequest('bodyStalled', undefined);
  app.addHook('onRequest', async (request) => {
    const raw = request.raw;
    if (raw.complete || (raw.headers['content-length'] === undefined && raw.headers['transfer-encoding'] === undefined)) return;
    const controller = new AbortController();
    request.bodyStalled = controller.signal;
    let seen = raw.socket.bytesRead;
    let lastByteAt = Date.now();
    const timer = setInterval(
      () => {
        if (raw.complete || raw.destroyed) return clearInterval(timer);
        if (raw.socket.bytesRead !== seen) {
          seen = raw.socket.bytesRead;
          lastByteAt = Date.now();
        } else if (Date.now() - lastByteAt >= t.bodyIdleMs) {
          clearInterval(timer);
          controller.abort(bodyStalled(t));
        }
      },
      Math.max(20, Math.min(1000, t.bodyIdleMs / 5)),
    );
    timer.unref();
    raw.once('close', () => clearInterval(timer));
  });
  app.addHook('preParsing', async (request, _reply, payload) => {
    const signal = request.bodyStalled;
    // Multipart bodies are read from the raw request by @fastify/multipart (it races the
    // signal); isMultipart() is only known after parsing, so the header decides here.
    if (!signal || /^multipart\//i.test(request.headers['content-type'] ?? '')) return payload;
    const body = new PassThrough();
    // The body parser listens for errors while it reads; afterwards a stall is moot.
    body.on('error', () => undefined);
    payload.on('error', (err) => body.destroy(err));
    payload.pipe(body);
    signal.addEventListener('abort', () => body.destroy(signal.reason as Error), { once: true });
    return body;
  });
  // The answer to a stalled body closes the connection: Node would otherwise wait for the
  // rest of the body before reading another request. (Other early answers keep it open:
  // Node discards the rest of the body, and a client still sending gets its answer.)
  app.addHook('onSend', async (request, reply) => {
    if (request.bodyStalled?.aborted) void reply.header('connection', 'close');
  });
}

function bodyStalled(t: Timeouts): ServiceError {
  return new ServiceError(
    408,
    'request_body_stalled',
    `no byte of the request body arrived for ${seconds(t.bodyIdleMs)} (the server's body idle timeout, --body-idle-timeout-seconds), so the request was dropped; a Content-Length larger than the body sent reads like this`,
    'timeout',
  );
}

/** Node's own timeout answers (headers or the whole request too slow), in words naming the limits. */
export function requestTimeoutMessage(t: Timeouts): string {
  return `the request was not received in time: headers must arrive within ${seconds(t.headerMs)} (--header-timeout-seconds) and the whole request within ${seconds(t.requestMs)} (--request-timeout-seconds)`;
}

/** Rejects with the stall reason once `signal` aborts; for racing a read of the body. */
export function stallRejection(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (!signal) return;
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

