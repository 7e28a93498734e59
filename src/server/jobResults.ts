import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JobRecord } from '../jobs/jobRecord.js';
import { bedGraphPaths, bigWigPaths } from '../pipeline/runPrediction.js';
import { sendFileWithRanges } from './byteRanges.js';
import type { ServerContext } from './context.js';
import type { ResultFormat } from './jobView.js';
import { checkPredictionFormat, sendAttributionResult } from './attributionResults.js';
import { badRequest, conflict, notFound } from './serviceError.js';

/** Why a job that is not done has no result (409), in words the client can act on. */
export function notReady(job: JobRecord) {
  if (job.state === 'failed') return conflict('job_failed', `job ${job.id} failed, so it has no result: ${job.error?.message}`);
  if (job.state === 'cancelled') return conflict('job_cancelled', `job ${job.id} was cancelled, so it has no result`);
  const { basesDone, basesTotal } = job.progress;
  const pct = basesTotal > 0 ? ` (${Math.floor((100 * basesDone) / basesTotal)}% done)` : '';
  return conflict('job_not_finished', `job ${job.id} is ${job.state}${pct}; poll GET /v1/jobs/${job.id} until its state is done`);
}

/**
 * Streams one stored result of a done job: BED, bedGraph (one label or all) or one label's
 * bigWig. A result that is one file answers Range requests (a genome browser reads a bigWig
 * by byte ranges); all labels' bedGraphs together are one stream without ranges.
 */
export async function sendResult(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply, job: JobRecord, format: ResultFormat, label: string | undefined) {
  if (job.attribution) return sendAttributionResult(ctx, request, reply, job, format, label);
  checkPredictionFormat(job, format);
  const stem = ctx.store.resultStem(job.id);
  const labels = job.result!.labels;
  if (format === 'bed' && label !== undefined) {
    throw badRequest('result_label_unsupported', 'label applies to format=bedgraph and bigwig only (the BED holds every label in its name column)');
  }
  if (label !== undefined && !labels.includes(label)) {
    throw badRequest('result_label_unknown', `model ${job.model} has no label '${label}'; its labels are ${labels.join(', ')}`);
  }
  // Binary bigWigs cannot be concatenated: a model with several labels needs one named.
  if (format === 'bigwig' && label === undefined && labels.length > 1) {
    throw badRequest('result_label_required', `format=bigwig holds one label; add label=… (one of ${labels.join(', ')})`);
  }
  const pick = (all: string[]) => (label === undefined ? all : [all[labels.indexOf(label)]!]);
  const files =
    format === 'bed' ? [`${stem}.bed`] : format === 'bedgraph' ? pick(bedGraphPaths(`${stem}.bedgraph`, labels)) : pick(bigWigPaths(stem, labels));
  for (const f of files) {
    if (!(await stat(f).catch(() => undefined))) throw notFound('result_missing', `job ${job.id}'s ${format} result is missing from the server's state directory`);
  }
  const extension = format === 'bigwig' ? 'bw' : format;
  void reply
    .type(format === 'bigwig' ? 'application/octet-stream' : 'text/plain; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${job.id}${label ? `.${label}` : ''}.${extension}"`);
  // Several bedGraph tracks (one per label, each with its own track line) make one valid file.
  if (files.length === 1) return sendFileWithRanges(request, reply, files[0]!);
  return reply.send(Readable.from(concatenated(files)));
}

async function* concatenated(files: string[]) {
  for (const f of files) yield* createReadStream(f);
}
