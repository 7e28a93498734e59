/**
 * JSON schemas shared by the routes: Fastify validates requests and serializes responses
 * with them, and @fastify/swagger builds the OpenAPI document (/docs) from them.
 */

/** Postprocess overrides, as `predict`'s --threshold, --min-region-bp, --merge-gap-bp, --top-n. */
export const REGION_QUERY_PROPERTIES = {
  threshold: { type: 'number', minimum: 0, maximum: 1, description: "probability threshold (default: the model's)" },
  min_region_bp: { type: 'integer', minimum: 0, description: 'shortest region kept' },
  merge_gap_bp: { type: 'integer', minimum: 0, description: 'regions closer than this are merged' },
  top_n: { type: 'integer', minimum: 0, description: 'best regions kept per chromosome and label (0: all)' },
} as const;

export interface RegionQuery {
  threshold?: number;
  min_region_bp?: number;
  merge_gap_bp?: number;
  top_n?: number;
}

export function regionOverrides(q: RegionQuery) {
  const o = { threshold: q.threshold, minRegionBp: q.min_region_bp, mergeGapBp: q.merge_gap_bp, topN: q.top_n };
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export const MODEL_SCHEMA = {
  $id: 'Model',
  type: 'object',
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    ref: { type: 'string', description: 'name@version, accepted wherever a model is named' },
    state: { type: 'string', enum: ['loading', 'ready', 'refused'] },
    error: { type: 'string', description: 'why a refused model was refused' },
    description: { type: 'string' },
    labels: { type: 'array', items: { type: 'string' } },
    input: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['sequence', 'tracks'] },
        bin_bp: { type: 'integer' },
        tracks: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, source: { type: 'string' } } } },
      },
    },
    trained_on: { type: 'string' },
    license: { type: 'string' },
  },
} as const;

export const JOB_SCHEMA = {
  $id: 'Job',
  type: 'object',
  properties: {
    id: { type: 'string' },
    model: { type: 'string', description: 'name/version the job runs' },
    state: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
    input: {
      type: 'object',
      properties: {
        source: { type: 'string', enum: ['upload', 'dataset'] },
        fasta: { type: 'string', description: "the client's name for the FASTA" },
      },
    },
    progress: {
      type: 'object',
      properties: {
        basesDone: { type: 'integer' },
        basesTotal: { type: 'integer' },
        fraction: { type: 'number' },
      },
    },
    attempts: { type: 'integer', description: 'runs started (a restart interrupting a run starts another)' },
    submittedAt: { type: 'string', format: 'date-time' },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    queuedSeconds: { type: 'number', description: 'from submission to the start of the last run' },
    runSeconds: { type: 'number' },
    error: { $ref: 'Error#' },
    attribution: {
      type: 'object',
      description: 'attribution jobs (POST /v1/attribution): what is attributed',
      properties: { region: { type: 'string', description: 'CHR:START-END, 1-based inclusive' }, label: { type: 'string' }, top: { type: 'integer' } },
    },
    result: {
      type: 'object',
      properties: {
        regions: { type: 'integer' },
        chromosomes: { type: 'integer' },
        bases: { type: 'integer' },
        labels: { type: 'array', items: { type: 'string' } },
        formats: { type: 'array', items: { type: 'string' } },
        url: { type: 'string', description: 'GET it with ?format=…' },
      },
    },
  },
} as const;

/** Response schemas for the error statuses a route can answer. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string }> {
  return Object.fromEntries(statuses.map((s) => [s, { $ref: 'Error#' }]));
}

/** The multipart upload, for the OpenAPI document only (the handler streams the parts itself). */
export const UPLOAD_FORM_SCHEMA = {
  type: 'object',
  required: ['fasta', 'fai'],
  properties: {
    fasta: { type: 'string', format: 'binary', description: 'FASTA, plain or bgzip' },
    fai: { type: 'string', format: 'binary', description: 'its samtools faidx index' },
    gzi: { type: 'string', format: 'binary', description: 'bgzip FASTA only: its .gzi index' },
    model: { type: 'string', description: 'POST /v1/jobs: the model, when not in the query' },
  },
  additionalProperties: { type: 'string', format: 'binary', description: 'track:<NAME>: a bigWig for input track NAME of a track model' },
} as const;
