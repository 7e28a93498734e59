import type { FastifyInstance } from 'fastify';

/**
 * Request validation is strict: Ajv coerces no types (a JSON `["ref.fa"]` is not the path
 * "ref.fa", `"0.5"` is not 0.5) and unknown fields or query parameters are errors. A query
 * string is text, though, so the numbers a route's querystring schema declares are parsed
 * here, strictly (decimal notation only: '', '0x10' or '1,5' stay text and fail validation).
 */
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

type QuerySchema = { properties?: Record<string, { type?: string }> };

export function registerQueryNumbers(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema?.querystring as QuerySchema | undefined;
    const query = request.query as Record<string, unknown> | undefined;
    if (!schema?.properties || !query) return;
    for (const [name, spec] of Object.entries(schema.properties)) {
      const value = query[name];
      if ((spec.type === 'number' || spec.type === 'integer') && typeof value === 'string' && NUMBER.test(value)) query[name] = Number(value);
    }
  });
}

/** The querystring schema of a route that takes no query parameters (any given is a 400). */
export const NO_QUERY = { type: 'object', additionalProperties: false, properties: {} } as const;
