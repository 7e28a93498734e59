import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { errorResponses } from '../schemas.js';
import { unavailable } from '../serviceError.js';
import { NO_QUERY } from '../strictQuery.js';

/** Liveness (the process answers) and readiness (models loaded, tested and warm; not shutting down). */
export function healthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process is up and answering',
        tags: ['health'],
        querystring: NO_QUERY,
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } }, ...errorResponses(400) },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: models loaded, their test blocks passed, a warm-up inference done',
        tags: ['health'],
        querystring: NO_QUERY,
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              models: { type: 'array', items: { type: 'object', properties: { ref: { type: 'string' }, state: { type: 'string' } } } },
            },
          },
          ...errorResponses(400, 503),
        },
      },
    },
    async () => {
      if (ctx.isShuttingDown()) throw unavailable('shutting_down', 'the server is shutting down', 5, 'not_ready');
      if (!ctx.catalog.ready) throw unavailable('not_ready', ctx.catalog.notReadyReason, 2, 'not_ready');
      return { status: 'ready', models: ctx.catalog.list().map((m) => ({ ref: m.ref, state: m.state })) };
    },
  );
}
