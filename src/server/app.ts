import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerBearerAuth } from './auth.js';
import type { ServerContext } from './context.js';
import { clientErrorAnswer, describeSchemaErrors, ERROR_SCHEMA, registerErrorHandling } from './errorMapping.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { attributionRoutes } from './routes/attribution.js';
import { metricsRoutes } from './routes/metrics.js';
import { modelRoutes } from './routes/models.js';
import { predictRoutes } from './routes/predict.js';
import { viewRoutes } from './routes/view.js';
import { JOB_SCHEMA, MODEL_SCHEMA, UPLOAD_FORM_SCHEMA } from './schemas.js';
import { registerCloseAfterLastResponse } from './shutdownConnections.js';
import { registerQueryNumbers } from './strictQuery.js';
import { registerBodyIdleTimeout, serverTimeoutOptions, type Timeouts } from './timeouts.js';

const VERSION = '0.1.0';

/**
 * The Fastify instance both server modes start from (`serve`, and `view DIR` in
 * panelViewApp.ts): logging, timeouts, strict schemas and query numbers.
 */
export function baseApp(options: { logLevel: string; timeouts: Timeouts }): FastifyInstance {
  const app = Fastify({
    logger: { level: options.logLevel },
    // JSON bodies are small (dataset paths); genomes come as multipart streams, limited separately.
    bodyLimit: 1 << 20,
    // New requests during shutdown get 503 while in-flight ones finish (their connections
    // then close: registerCloseAfterLastResponse).
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...serverTimeoutOptions(options.timeouts),
    clientErrorHandler: clientErrorAnswer(options.timeouts),
    // Strict: a misspelt field ("fia") is an error, not silently dropped, and no value is
    // coerced to another type (query numbers are parsed in registerQueryNumbers); every
    // problem is reported, with the schema at hand to list the allowed names.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, verbose: true } },
    schemaErrorFormatter: describeSchemaErrors,
  });
  registerBodyIdleTimeout(app, options.timeouts);
  registerQueryNumbers(app);
  registerCloseAfterLastResponse(app);
  return app;
}

/** The Fastify app: plugins, hooks (auth, metrics), error mapping and the routes. Not listening yet. */
export async function buildApp(ctx: ServerContext): Promise<FastifyInstance> {
  const app = baseApp(ctx);
  await app.register(multipart, {
    // The total over all files is enforced while streaming (uploads.ts); these cap the parts.
    limits: { fileSize: ctx.limits.maxUploadBytes, files: 32, fields: 4, parts: 40, fieldSize: 1024 },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'genomeinfer', version: VERSION, description: 'Genome-scale batch inference: models, synchronous predictions and jobs.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: ctx.token ? [{ bearer: [] }] : [],
    },
    // Shared schemas keep their names (Error, Model, Job) in the document.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `schema-${i}`) },
    transform: documentMultipart,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.addSchema(ERROR_SCHEMA);
  app.addSchema(MODEL_SCHEMA);
  app.addSchema(JOB_SCHEMA);
  registerErrorHandling(app, (kind) => ctx.metrics.recordError(kind));
  registerBearerAuth(app, ctx.token);
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: label values must stay few.
    ctx.metrics.recordRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  healthRoutes(app, ctx);
  metricsRoutes(app, ctx);
  modelRoutes(app, ctx);
  predictRoutes(app, ctx);
  jobRoutes(app, ctx);
  attributionRoutes(app, ctx);
  viewRoutes(app, ctx);
  return app;
}

/**
 * Upload routes validate no body schema (Fastify would validate the unread stream), so the
 * OpenAPI document gets their multipart form added here, next to any JSON body.
 */
function documentMultipart({ schema, url }: { schema: unknown; url: string }) {
  const s = (schema ?? {}) as { consumes?: string[]; body?: { content?: Record<string, unknown> } };
  if (!s.consumes?.includes('multipart/form-data')) return { schema: s, url };
  const content = { ...(s.body?.content ?? {}), 'multipart/form-data': { schema: UPLOAD_FORM_SCHEMA } };
  return { schema: { ...s, body: { content } }, url };
}
