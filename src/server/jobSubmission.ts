import { randomUUID } from 'node:crypto';
import { join, relative } from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { AttributionSpec, JobInput, JobRecord } from '../jobs/jobRecord.js';
import type { ServerContext } from './context.js';
import { resolveDatasetInput, type DatasetRequest } from './datasetInput.js';
import { regionOverrides, type RegionQuery } from './schemas.js';
import { badRequest } from './serviceError.js';
import { withGenomeUpload, type UploadedGenome } from './uploads.js';

/** A JSON job submission: dataset paths, the model and optional postprocess overrides. */
export type JobSubmission = DatasetRequest & RegionQuery & { model: string };

/**
 * A job from a multipart upload. The input is checked as `predict` would check it (so a bad
 * genome is a 400 now, not a failed job later); the received files then move into the
 * job's directory, where they stay until it finishes.
 */
export async function submitUpload(ctx: ServerContext, request: FastifyRequest<{ Querystring: RegionQuery & { model?: string } }>): Promise<JobRecord> {
  const queryModel = request.query.model;
  if (queryModel !== undefined) ctx.catalog.resolve(queryModel); // 404/503 before reading the upload
  return withGenomeUpload(ctx, request, 'job-', ['model'], async (upload, dir) => {
    const ref = queryModel ?? upload.fields.model;
    if (!ref) throw badRequest('model_missing', 'name the model: ?model=NAME in the query or a multipart field model');
    const model = ctx.catalog.resolve(ref);
    const { bases } = await ctx.predictions.inspect(model, upload.paths, upload.labels);
    return ctx.runner.submit(newJob(randomUUID(), model.key, storedUploadInput(dir, upload), bases, request.query), dir);
  });
}

/** A job from paths under the data roots, confined and checked before it is queued. */
export async function submitDataset(ctx: ServerContext, body: JobSubmission | undefined, query: Record<string, unknown> = {}): Promise<JobRecord> {
  if (!body) throw badRequest('body_missing', 'send JSON {"model", "fasta", ...} or a multipart upload');
  // The query's model and overrides are for uploads; with JSON they would be silently ignored.
  const inQuery = Object.keys(query);
  if (inQuery.length) {
    throw badRequest('invalid_request', `with a JSON body, give ${inQuery.join(', ')} in the body, not the query string (query parameters are for multipart uploads)`);
  }
  const model = ctx.catalog.resolve(body.model);
  const { paths, labels } = await resolveDatasetInput(ctx.dataRoots, body);
  const { bases } = await ctx.predictions.inspect(model, paths, labels);
  const input: JobInput = { source: 'dataset', fasta: body.fasta, fai: body.fai, gzi: body.gzi, tracks: body.tracks, vcf: body.vcf, sample: body.sample, haplotype: body.haplotype, coords: body.coords };
  return ctx.runner.submit(newJob(randomUUID(), model.key, input, bases, body));
}

/** An upload received in `dir` as the job will find it: paths relative to its directory (the files move to `input/`). */
export function storedUploadInput(dir: string, upload: UploadedGenome): JobInput {
  const stored = (p: string) => join('input', relative(dir, p));
  return {
    source: 'upload',
    fasta: stored(upload.paths.fasta),
    fai: stored(upload.paths.fai!),
    gzi: stored(upload.paths.gzi!),
    tracks: Object.fromEntries(Object.entries(upload.paths.tracks ?? {}).map(([name, p]) => [name, stored(p)])),
    labels: Object.fromEntries(upload.labels.entries().map(([p, label]) => [stored(p), label])),
  };
}

/** A queued job's first record; `attribution` makes it an attribution job (POST /v1/attribution). */
export function newJob(id: string, model: string, input: JobInput, basesTotal: number, regions: RegionQuery, attribution?: AttributionSpec): JobRecord {
  return {
    id,
    model,
    state: 'queued',
    input,
    regions: regionOverrides(regions),
    attribution,
    progress: { basesDone: 0, basesTotal },
    attempts: 0,
    submittedAt: new Date().toISOString(),
  };
}
