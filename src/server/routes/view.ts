import type { FastifyInstance } from 'fastify';
import { sendFileWithRanges } from '../byteRanges.js';
import type { ServerContext } from '../context.js';
import { errorResponses } from '../schemas.js';
import { notFound } from '../serviceError.js';
import { NO_QUERY } from '../strictQuery.js';
import { GENOME_FILES, genomeMissingMessage, jobGenomePaths, type GenomeFile } from '../view/jobGenome.js';
import { jobViewSession, resultBigWig } from '../view/jobSession.js';
import { JOB_PAGE_ROUTE, sendViewPage, viewAssetRoutes } from '../view/viewAssets.js';
import { chromosomesOfBigWig, chromSizesText } from '../view/viewSession.js';
import { doneJob } from './jobs.js';

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

/**
 * The genome browser of a job: the page (/view/jobs/ID), what it shows (session.json) and the
 * job's genome files, read by igv.js with Range requests like the result bigWigs.
 */
export function viewRoutes(app: FastifyInstance, ctx: ServerContext): void {
  viewAssetRoutes(app);

  app.get(
    JOB_PAGE_ROUTE,
    { schema: { summary: "A genome-browser page (igv.js) of a job's genome, regions and per-label tracks", tags: ['view'], params: ID_PARAMS, querystring: NO_QUERY } },
    (request, reply) => sendViewPage(request, reply, 'job'),
  );

  app.get<{ Params: { id: string } }>(
    '/view/jobs/:id/session.json',
    {
      schema: {
        summary: "What a done job's browser page shows: reference, tracks (BED, one bigWig per label), the top call of each label",
        tags: ['view'],
        params: ID_PARAMS,
        querystring: NO_QUERY,
        response: errorResponses(400, 401, 403, 404, 409),
      },
    },
    async (request) => jobViewSession(ctx, doneJob(ctx, request.params.id)),
  );

  app.get<{ Params: { id: string }; Querystring: { file: GenomeFile } }>(
    '/v1/jobs/:id/genome',
    {
      schema: {
        summary: "A done job's genome: the FASTA, its .fai or .gzi (Range requests answered with 206), or chrom.sizes",
        description:
          "A dataset job's files are confined to the data roots again at each request; an upload job's genome is removed when the job finishes (404 says so). sizes: name and length per line, from the job's result.",
        tags: ['jobs'],
        params: ID_PARAMS,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['file'],
          properties: { file: { type: 'string', enum: [...GENOME_FILES] } },
        },
        response: errorResponses(400, 401, 403, 404, 409, 416),
      },
    },
    async (request, reply) => {
      const job = doneJob(ctx, request.params.id);
      const { file } = request.query;
      if (file === 'sizes') {
        const chromosomes = await chromosomesOfBigWig(resultBigWig(ctx, job));
        return reply.type('text/plain; charset=utf-8').send(chromSizesText(chromosomes));
      }
      const path = (await jobGenomePaths(ctx, job))[file];
      if (!path) throw notFound('genome_file_missing', genomeMissingMessage(job, file));
      void reply.type(file === 'fai' ? 'text/plain; charset=utf-8' : 'application/octet-stream');
      return sendFileWithRanges(request, reply, path);
    },
  );
}
