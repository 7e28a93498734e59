import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { errorResponses } from '../schemas.js';
import { notFound } from '../serviceError.js';
import { NO_QUERY } from '../strictQuery.js';

const MODEL_LIST = {
  type: 'object',
  properties: {
    genomeinfer: { type: 'string', description: "genomeinfer's version (as `genomeinfer --version` prints it)" },
    models: { type: 'array', items: { $ref: 'Model#' } },
  },
} as const;

/**
 * The models this server serves, with their state (loading, ready, refused and why), and the
 * genomeinfer version serving them: a client records both next to its results.
 */
export function modelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    '/v1/models',
    { schema: { summary: 'List the served models (every version)', tags: ['models'], querystring: NO_QUERY, response: { 200: MODEL_LIST, ...errorResponses(400, 401) } } },
    async () => ({ genomeinfer: ctx.toolVersion, models: ctx.catalog.list() }),
  );

  app.get<{ Params: { name: string } }>(
    '/v1/models/:name',
    {
      schema: {
        summary: 'One model: its versions (name), or one version (name@version)',
        tags: ['models'],
        params: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        querystring: NO_QUERY,
        response: { 200: MODEL_LIST, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const [name, version] = request.params.name.split(/[@:]/, 2);
      const models = ctx.catalog.list(name).filter((m) => version === undefined || m.version === version);
      if (models.length === 0) {
        const served = ctx.catalog.list().map((m) => m.ref).join(', ') || 'none';
        throw notFound('model_unknown', `unknown model '${request.params.name}': this server serves ${served}`);
      }
      return { genomeinfer: ctx.toolVersion, models };
    },
  );
}
