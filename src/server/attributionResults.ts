import { stat } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { attributionPaths } from '../attribution/attributionOutputs.js';
import type { JobRecord } from '../jobs/jobRecord.js';
import { sendFileWithRanges } from './byteRanges.js';
import type { ServerContext } from './context.js';
import { ATTRIBUTION_FORMATS, type ResultFormat } from './jobView.js';
import { badRequest, notFound } from './serviceError.js';

const FILES = {
  attribution_maxabs: { path: 'maxAbs', type: 'application/octet-stream', extension: 'attribution.maxabs.bw' },
  attribution_mean: { path: 'mean', type: 'application/octet-stream', extension: 'attribution.mean.bw' },
  attribution_tsv: { path: 'tsv', type: 'text/tab-separated-values; charset=utf-8', extension: 'attribution.tsv' },
  attribution_svg: { path: 'svg', type: 'image/svg+xml', extension: 'attribution.svg' },
} as const;

const isAttributionFormat = (f: ResultFormat): f is (typeof ATTRIBUTION_FORMATS)[number] => (ATTRIBUTION_FORMATS as readonly string[]).includes(f);

/**
 * A done attribution job's result: one of its four files (as `attribute --out` writes them),
 * answering Range requests like every single-file result. A prediction format asked of an
 * attribution job, or the other way round, is a 400 naming the formats the job has.
 */
export async function sendAttributionResult(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply, job: JobRecord, format: ResultFormat, label: string | undefined) {
  if (!isAttributionFormat(format)) {
    throw badRequest('result_format_unsupported', `job ${job.id} is an attribution job; its results are format=${ATTRIBUTION_FORMATS.join(', ')}`);
  }
  if (label !== undefined) throw badRequest('result_label_unsupported', `an attribution job explains one label (${job.attribution!.label}); drop label=`);
  const file = FILES[format];
  const path = attributionPaths(ctx.store.resultStem(job.id))[file.path];
  if (!(await stat(path).catch(() => undefined))) throw notFound('result_missing', `job ${job.id}'s ${format} result is missing from the server's state directory`);
  void reply.type(file.type).header('Content-Disposition', `attachment; filename="${job.id}.${file.extension}"`);
  return sendFileWithRanges(request, reply, path);
}

/** The 400 for an attribution format asked of a prediction job. */
export function checkPredictionFormat(job: JobRecord, format: ResultFormat): void {
  if (isAttributionFormat(format)) throw badRequest('result_format_unsupported', `job ${job.id} is a prediction job; format=${format} is for attribution jobs (POST /v1/attribution)`);
}
