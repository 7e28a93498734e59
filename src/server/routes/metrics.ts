import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { NO_QUERY } from '../strictQuery.js';

/** GET /metrics: the Prometheus text exposition (prom-client). */
export function metricsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics (genomeinfer_*)', tags: ['health'], produces: ['text/plain'], querystring: NO_QUERY } },
    async (_request, reply) => reply.type(ctx.metrics.contentType).send(await ctx.metrics.scrape()),
  );
}
