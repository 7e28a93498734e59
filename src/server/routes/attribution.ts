import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DEFAULT_TOP, everyBase, topPositions, type AttributedBase } from '../../attribution/attributionOutputs.js';
import { formatRegion, parseRegion, regionChromosome, type GenomicRegion } from '../../attribution/genomicRegion.js';
import { checkAttributable, type IsmResult } from '../../attribution/ismAttribution.js';
import type { JobInput } from '../../jobs/jobRecord.js';
import { QueueFullError } from '../../jobs/jobRunner.js';
import type { LoadedModel } from '../../models/repository.js';
import type { GenomeInputPaths } from '../../pipeline/genomeInput.js';
import type { ServerContext } from '../context.js';
import { resolveDatasetInput } from '../datasetInput.js';
import { newJob, storedUploadInput } from '../jobSubmission.js';
import { jobView } from '../jobView.js';
import type { PathLabels } from '../pathLabels.js';
import { errorResponses } from '../schemas.js';
import { badRequest, tooManyRequests, unavailable } from '../serviceError.js';
import { withGenomeUpload } from '../uploads.js';
import { UPLOAD_DESCRIPTION } from './predict.js';

/** What POST /v1/attribution takes besides the genome. */
interface AttributionFields {
  model: string;
  region: string;
  label?: string;
  top?: number;
}

const FIELD_PROPERTIES = {
  model: { type: 'string', minLength: 1, description: 'name or name@version (a sequence model)' },
  region: { type: 'string', minLength: 1, description: 'CHR:START-END, 1-based, both ends included (as samtools, IGV)' },
  label: { type: 'string', minLength: 1, description: "the label whose probability change is measured (default: the model's first)" },
  top: { type: 'integer', minimum: 1, description: `positions listed in top (and in a job's TSV), default ${DEFAULT_TOP}` },
} as const;

const DATASET_BODY = {
  type: 'object',
  required: ['model', 'fasta', 'region'],
  additionalProperties: false,
  properties: {
    ...FIELD_PROPERTIES,
    fasta: { type: 'string', minLength: 1, description: 'path relative to a data root (or absolute inside one)' },
    fai: { type: 'string', minLength: 1, description: 'default: the FASTA path + .fai' },
    gzi: { type: 'string', minLength: 1, description: 'bgzip only; default: the FASTA path + .gzi' },
  },
} as const;

const DELTAS = {
  type: 'object',
  description: "change of the label's probability, summed over the affected bins, when the base becomes that letter (0: the reference letter; null: the base is not A/C/G/T and was not mutated)",
  properties: Object.fromEntries(['A', 'C', 'G', 'T'].map((b) => [b, { type: ['number', 'null'] }])),
} as const;

const BASE = {
  type: 'object',
  properties: {
    start: { type: 'integer', description: '0-based position, as BED' },
    ref: { type: 'string' },
    delta: DELTAS,
    maxAbs: { type: 'number', description: 'largest |delta| of the three mutants' },
    mean: { type: 'number', description: 'signed mean delta of the three mutants' },
    strongest: { type: ['string', 'null'], description: 'the letter of largest |delta|' },
  },
} as const;

export const ATTRIBUTION_SCHEMA = {
  $id: 'Attribution',
  type: 'object',
  properties: {
    model: { type: 'string', description: 'name/version' },
    label: { type: 'string' },
    region: { type: 'string', description: 'CHR:START-END, 1-based inclusive' },
    chrom: { type: 'string' },
    affectedBins: {
      type: 'object',
      description: 'chromosome bins [start, end) over which each delta is summed',
      properties: { start: { type: 'integer' }, end: { type: 'integer' }, binBp: { type: 'integer' } },
    },
    segments: { type: 'integer' },
    mutants: { type: 'integer', description: 'mutated model inputs run' },
    seconds: { type: 'number' },
    bases: { type: 'array', description: 'every base of the region, in order', items: BASE },
    top: { type: 'array', description: 'the most important positions: largest |mean| first (importance = -mean, positive where the base supports the label)', items: BASE },
  },
} as const;

/**
 * POST /v1/attribution: in-silico mutagenesis of a region (genomeinfer attribute's code path).
 * A region of at most --max-sync-attribution-bp is answered at once with every base's deltas;
 * a larger one becomes a job (202), whose results are the attribution files
 * (GET /v1/jobs/ID/result?format=attribution_maxabs|attribution_mean|attribution_tsv|attribution_svg).
 */
export function attributionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.addSchema(ATTRIBUTION_SCHEMA);
  app.post<{ Body: AttributionFields & { fasta: string; fai?: string; gzi?: string } }>(
    '/v1/attribution',
    {
      schema: {
        summary: 'In-silico mutagenesis of a region: every base mutated to the three others',
        description:
          `JSON naming dataset files under the server's --data-root directories, or ${UPLOAD_DESCRIPTION} plus text fields model, region, label, top. ` +
          "Regions up to the server's --max-sync-attribution-bp answer 200 with every base's deltas; larger ones (up to 100,000 bp) are queued as a job and answer 202 with it.",
        tags: ['attribution'],
        consumes: ['application/json', 'multipart/form-data'],
        body: { content: { 'application/json': { schema: DATASET_BODY } } },
        response: { 200: { $ref: 'Attribution#' }, 202: { $ref: 'Job#' }, ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      let outcome: Outcome;
      if (!request.isMultipart()) {
        const body = request.body;
        if (!body) throw badRequest('body_missing', 'send JSON {"model", "fasta", "region", ...} or a multipart upload');
        const { paths, labels } = await resolveDatasetInput(ctx.dataRoots, body);
        const input: JobInput = { source: 'dataset', fasta: body.fasta, fai: body.fai, gzi: body.gzi };
        outcome = await attribute(ctx, reply, body, paths, labels, input);
      } else {
        outcome = await withGenomeUpload(ctx, request, 'attribution-', ['model', 'region', 'label', 'top'], async (upload, dir) => {
          const { model, region, label, top } = upload.fields;
          if (!model || !region) throw badRequest('field_missing', 'send the text fields model and region (CHR:START-END) with the upload');
          const topCount = top === undefined ? undefined : Number(top);
          if (topCount !== undefined && !(Number.isInteger(topCount) && topCount >= 1)) throw badRequest('invalid_request', `field top must be a positive integer, not '${top}'`);
          return attribute(ctx, reply, { model, region, label, top: topCount }, upload.paths, upload.labels, storedUploadInput(dir, upload), dir);
        });
      }
      // Sent after the upload scratch is gone: a client that has its answer finds nothing left behind.
      if (outcome.location) void reply.header('Location', outcome.location);
      return reply.code(outcome.status).header('X-Genomeinfer-Model', outcome.model).send(outcome.body);
    },
  );
}

/** What the request comes to: an answer now (200) or a queued job (202). */
interface Outcome {
  status: 200 | 202;
  body: unknown;
  model: string;
  location?: string;
}

/** The request, checked as far as it can be before any work, answered at once or queued. */
async function attribute(
  ctx: ServerContext,
  reply: FastifyReply,
  fields: AttributionFields,
  paths: GenomeInputPaths,
  labels: PathLabels,
  jobInput: JobInput,
  uploadDir?: string,
): Promise<Outcome> {
  const model = ctx.catalog.resolve(fields.model);
  const region = parseRegion(fields.region);
  const label = checkAttributable(model, { region, label: fields.label });
  const top = fields.top ?? DEFAULT_TOP;
  const bases = region.end - region.start;
  if (bases <= ctx.limits.maxSyncAttributionBp) return { status: 200, body: await answerNow(ctx, reply, model, paths, labels, region, label, top), model: model.key };
  try {
    ctx.runner.checkCapacity();
    // The genome and the region are checked now: a bad request is a 4xx, not a failed job.
    const genome = await ctx.predictions.inspect(model, paths, labels);
    regionChromosome(region, genome.chromosomes, genome.fasta);
    const job = newJob(randomUUID(), model.key, jobInput, bases, {}, { ...region, label, top });
    await ctx.runner.submit(job, uploadDir);
    return { status: 202, body: jobView(job), model: model.key, location: `/v1/jobs/${job.id}` };
  } catch (err) {
    if (err instanceof QueueFullError) throw tooManyRequests('job_queue_full', err.message, err.retryAfterSeconds);
    throw err;
  }
}

async function answerNow(ctx: ServerContext, reply: FastifyReply, model: LoadedModel, paths: GenomeInputPaths, labels: PathLabels, region: GenomicRegion, label: string, top: number) {
  // The synchronous prediction slots are shared with POST /v1/predict: both hold the workers.
  const release = ctx.syncLimit.tryAcquire();
  if (!release) {
    throw unavailable('predict_busy', `all ${ctx.syncLimit.max} synchronous slots are busy; retry shortly, or send a region over --max-sync-attribution-bp to get a job`, 1);
  }
  // A client that goes away stops its mutants at the next one.
  const abandoned = new AbortController();
  reply.raw.on('close', () => reply.raw.writableFinished || abandoned.abort());
  try {
    const result = await ctx.predictions.attribute({ model, paths, labels, ism: { region, label }, signal: abandoned.signal });
    return attributionAnswer(result, top);
  } finally {
    release();
  }
}

/** The JSON answer: every base's deltas, and the strongest positions (the chromosome is said once). */
export function attributionAnswer(result: IsmResult, top: number) {
  const withoutChrom = ({ chrom: _chrom, ...p }: AttributedBase) => p;
  return {
    model: result.model,
    label: result.label,
    region: formatRegion(result.region),
    chrom: result.region.chrom,
    affectedBins: { ...result.affectedBins, binBp: result.binBp },
    segments: result.segments,
    mutants: result.mutants,
    seconds: result.seconds,
    bases: everyBase(result).map(withoutChrom),
    top: topPositions(result, top).map(withoutChrom),
  };
}
