import { formatRegion } from '../attribution/genomicRegion.js';
import type { JobRecord } from '../jobs/jobRecord.js';

/** A prediction job's results. */
export const PREDICTION_FORMATS = ['bed', 'bedgraph', 'bigwig'] as const;
/** An attribution job's results: the per-base bigWigs, the top-positions TSV and the logo (attribution/attributionOutputs.ts). */
export const ATTRIBUTION_FORMATS = ['attribution_maxabs', 'attribution_mean', 'attribution_tsv', 'attribution_svg'] as const;
export const RESULT_FORMATS = [...PREDICTION_FORMATS, ...ATTRIBUTION_FORMATS] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** A job as clients see it: no server paths, progress as a fraction too, a result link. */
export function jobView(job: JobRecord) {
  const { basesDone, basesTotal } = job.progress;
  const fasta = job.input.labels?.[job.input.fasta] ?? job.input.fasta;
  return {
    id: job.id,
    model: job.model,
    state: job.state,
    input: { source: job.input.source, fasta },
    progress: { basesDone, basesTotal, fraction: basesTotal > 0 ? Math.min(1, basesDone / basesTotal) : 0 },
    attempts: job.attempts,
    submittedAt: job.submittedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    queuedSeconds: job.startedAt ? (Date.parse(job.startedAt) - Date.parse(job.submittedAt)) / 1000 : undefined,
    runSeconds: job.runSeconds,
    error: job.error,
    attribution: job.attribution && { region: formatRegion(job.attribution), label: job.attribution.label, top: job.attribution.top },
    result: job.result && { ...job.result, formats: [...(job.attribution ? ATTRIBUTION_FORMATS : PREDICTION_FORMATS)], url: `/v1/jobs/${job.id}/result` },
  };
}
