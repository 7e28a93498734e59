import type { FastifyInstance } from 'fastify';
import { isFinished, type JobRecord } from '../../jobs/jobRecord.js';
import { QueueFullError } from '../../jobs/jobRunner.js';
import { isJobId } from '../../jobs/jobStore.js';
import type { ServerContext } from '../context.js';
import { notReady, sendResult } from '../jobResults.js';
import { submitDataset, submitUpload, type JobSubmission } from '../jobSubmission.js';
import { jobView, RESULT_FORMATS, type ResultFormat } from '../jobView.js';
import { errorResponses, REGION_QUERY_PROPERTIES, type RegionQuery } from '../schemas.js';
import { conflict, notFound, tooManyRequests } from '../serviceError.js';
import { NO_QUERY } from '../strictQuery.js';
import { UPLOAD_DESCRIPTION } from './predict.js';

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const JOB_RESPONSE = { $ref: 'Job#' } as const;

const DATASET_BODY = {
  type: 'object',
  required: ['model', 'fasta'],
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1, description: 'name or name@version' },
    fasta: { type: 'string', minLength: 1, description: 'path relative to a data root (or absolute inside one)' },
    fai: { type: 'string', minLength: 1, description: 'default: the FASTA path + .fai' },
    gzi: { type: 'string', minLength: 1, description: 'bgzip only; default: the FASTA path + .gzi' },
    tracks: { type: 'object', additionalProperties: { type: 'string', minLength: 1 }, description: 'track name → bigWig path' },
    vcf: { type: 'string', minLength: 1, description: 'a variety as the reference `fasta` + this bgzipped VCF (.tbi or .csi next to it) and `sample`' },
    sample: { type: 'string', minLength: 1, description: 'the VCF sample whose genotypes make the variety' },
    haplotype: { type: 'string', enum: ['1', '2', 'R', 'A'], description: 'allele taken from each genotype, as bcftools consensus -H (default 1)' },
    coords: { type: 'string', enum: ['reference', 'variety'], description: 'coordinates of the results (default reference)' },
    ...REGION_QUERY_PROPERTIES,
  },
} as const;

/** The job with this id (404 when there is none: a malformed id included). */
export function findJob(ctx: ServerContext, id: string): JobRecord {
  const job = isJobId(id) ? ctx.runner.get(id) : undefined;
  if (!job) throw notFound('job_not_found', `no job with id '${id.slice(0, 64)}' on this server`);
  return job;
}

/** A done job, or 409 saying why it has no result yet. */
export function doneJob(ctx: ServerContext, id: string): JobRecord {
  const job = findJob(ctx, id);
  if (job.state !== 'done' || !job.result) throw notReady(job);
  return job;
}

/** Async jobs: submit (upload or dataset paths), poll, fetch results, cancel. */
export function jobRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Querystring: RegionQuery & { model?: string }; Body: JobSubmission }>(
    '/v1/jobs',
    {
      schema: {
        summary: 'Submit a prediction job: an uploaded genome, or paths under the data roots',
        description: `Either ${UPLOAD_DESCRIPTION} (model in the query or a \`model\` field), or JSON naming dataset files under the server's --data-root directories. Answers 202 with the job; a full queue answers 429 with Retry-After.`,
        tags: ['jobs'],
        consumes: ['application/json', 'multipart/form-data'],
        querystring: { type: 'object', additionalProperties: false, properties: { model: { type: 'string', minLength: 1 }, ...REGION_QUERY_PROPERTIES } },
        body: { content: { 'application/json': { schema: DATASET_BODY } } },
        response: { 202: JOB_RESPONSE, ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      try {
        ctx.runner.checkCapacity();
        const job = request.isMultipart() ? await submitUpload(ctx, request) : await submitDataset(ctx, request.body, request.query as Record<string, unknown>);
        return reply.code(202).header('Location', `/v1/jobs/${job.id}`).send(jobView(job));
      } catch (err) {
        if (err instanceof QueueFullError) throw tooManyRequests('job_queue_full', err.message, err.retryAfterSeconds);
        throw err;
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    {
      schema: {
        summary: 'A job: state, progress (bases done / total), timings, error, result link',
        tags: ['jobs'],
        params: ID_PARAMS,
        querystring: NO_QUERY,
        response: { 200: JOB_RESPONSE, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => jobView(findJob(ctx, request.params.id)),
  );

  app.get<{ Params: { id: string }; Querystring: { format: ResultFormat; label?: string } }>(
    '/v1/jobs/:id/result',
    {
      schema: {
        summary: "A finished job's result: BED (default), bedGraph or bigWig probabilities",
        description:
          'bedgraph: one track per label, or the one `label` names; bigwig: one label (`label` needed when the model has several). A one-file result answers a `Range: bytes=…` request with 206 (416 past its end), as genome browsers ask.',
        tags: ['jobs'],
        params: ID_PARAMS,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: [...RESULT_FORMATS], default: 'bed' }, label: { type: 'string' } },
        },
        response: {
          200: { type: 'string', description: 'BED9 or bedGraph text; bigWig bytes' },
          206: { type: 'string', description: 'the byte range asked for' },
          ...errorResponses(400, 401, 404, 409, 416),
        },
      },
    },
    async (request, reply) => {
      const job = doneJob(ctx, request.params.id);
      const { format, label } = request.query;
      return sendResult(ctx, request, reply, job, format, label);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    {
      schema: {
        summary: 'Cancel a queued or running job',
        tags: ['jobs'],
        params: ID_PARAMS,
        querystring: NO_QUERY,
        response: { 200: JOB_RESPONSE, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const job = findJob(ctx, request.params.id);
      if (isFinished(job.state)) throw conflict('job_finished', `job ${job.id} already finished (${job.state}); there is nothing to cancel`);
      return jobView((await ctx.runner.cancel(job.id)) ?? job);
    },
  );
}
