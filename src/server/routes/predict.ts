import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { errorResponses, regionOverrides, REGION_QUERY_PROPERTIES, type RegionQuery } from '../schemas.js';
import { tooLarge, unavailable } from '../serviceError.js';
import { withGenomeUpload } from '../uploads.js';

export const UPLOAD_DESCRIPTION =
  'multipart/form-data with file fields `fasta` (FASTA or bgzip FASTA), `fai` (its samtools faidx index), `gzi` (bgzip only) and, for track models, one `track:<NAME>` bigWig per input track';

/**
 * POST /v1/predict: one uploaded genome, answered with the BED the CLI's `predict` writes
 * for it (same code path, byte for byte). The upload lives in a per-request directory that
 * is removed whatever happens.
 */
export function predictRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Querystring: RegionQuery & { model: string } }>(
    '/v1/predict',
    {
      schema: {
        summary: 'Predict regions for an uploaded genome, synchronously; answers BED9 text',
        description: `${UPLOAD_DESCRIPTION}. Genomes over the server's --max-sync-bp answer 413: submit them as jobs.`,
        tags: ['predict'],
        consumes: ['multipart/form-data'],
        querystring: {
          type: 'object',
          required: ['model'],
          additionalProperties: false,
          properties: { model: { type: 'string', minLength: 1, description: 'name or name@version' }, ...REGION_QUERY_PROPERTIES },
        },
        response: {
          200: { type: 'string', description: 'BED9: chrom start end label score . thickStart thickEnd 0' },
          ...errorResponses(400, 401, 404, 413, 415, 503),
        },
      },
    },
    async (request, reply) => {
      const model = ctx.catalog.resolve(request.query.model);
      const busy = () =>
        unavailable(
          'predict_busy',
          `all ${ctx.syncLimit.max} synchronous prediction slots are busy; retry shortly, or submit the genome as a job (POST /v1/jobs)`,
          1,
        );
      // Refused before the upload is read when all slots are busy now, but a slot is only
      // taken once the upload is complete: a client stalling mid-upload holds none.
      if (ctx.syncLimit.active >= ctx.syncLimit.max) throw busy();
      // A client that goes away stops its prediction at the next segment.
      const abandoned = new AbortController();
      reply.raw.on('close', () => reply.raw.writableFinished || abandoned.abort());
      const body = await withGenomeUpload(ctx, request, 'predict-', [], async (upload, dir) => {
        const release = ctx.syncLimit.tryAcquire();
        if (!release) throw busy();
        try {
          const bed = join(dir, 'out', 'result.bed');
          await ctx.predictions.run({
            model,
            paths: upload.paths,
            labels: upload.labels,
            outputs: { bed },
            regions: regionOverrides(request.query),
            signal: abandoned.signal,
            admit: (bases) => {
              if (bases > ctx.limits.maxSyncBp) {
                throw tooLarge(
                  'genome_too_large_for_sync',
                  `the genome has ${bases} bases, more than this server predicts synchronously (--max-sync-bp ${ctx.limits.maxSyncBp}); submit it as a job (POST /v1/jobs)`,
                );
              }
            },
          });
          return await readFile(bed);
        } finally {
          release();
        }
      });
      // Sent after the scratch is gone: a client that has its answer finds nothing left behind.
      return reply.type('text/plain; charset=utf-8').header('X-Genomeinfer-Model', model.key).send(body);
    },
  );
}
