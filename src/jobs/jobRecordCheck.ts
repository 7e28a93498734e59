import { JOB_STATES, type JobRecord } from './jobRecord.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isDate = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isStringMap = (v: unknown) => isObject(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * What is wrong with a parsed job.json as a record of job `id` (empty: nothing). The store
 * trusts no field it reads back, since a record can be cut short, edited or written by
 * another version: one bad record must not stop the service.
 */
export function jobRecordProblems(value: unknown, id: string): string[] {
  if (!isObject(value)) return [`it holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a job object`];
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => ok || problems.push(what);
  need(value.id === id, typeof value.id === 'string' ? `it names job ${value.id.slice(0, 64)}, not ${id}` : 'field id is missing');
  need(typeof value.model === 'string' && value.model.length > 0, 'field model is missing or not a name');
  need(JOB_STATES.includes(value.state as never), `field state is ${JSON.stringify(value.state) ?? 'missing'}, not one of ${JOB_STATES.join(', ')}`);
  const input = value.input;
  need(
    isObject(input) &&
      (input.source === 'upload' || input.source === 'dataset') &&
      typeof input.fasta === 'string' &&
      ['fai', 'gzi', 'vcf', 'sample', 'haplotype', 'coords'].every((k) => input[k] === undefined || typeof input[k] === 'string') &&
      (input.tracks === undefined || isStringMap(input.tracks)) &&
      (input.labels === undefined || isStringMap(input.labels)),
    'field input is missing or malformed',
  );
  need(value.regions === undefined || (isObject(value.regions) && Object.values(value.regions).every((v) => typeof v === 'number' || typeof v === 'boolean')), 'field regions is malformed');
  const attribution = value.attribution;
  need(
    attribution === undefined ||
      (isObject(attribution) &&
        typeof attribution.chrom === 'string' &&
        typeof attribution.label === 'string' &&
        Number.isInteger(attribution.top) &&
        isCount(attribution.start) &&
        isCount(attribution.end) &&
        (attribution.end as number) > (attribution.start as number)),
    'field attribution is malformed',
  );
  const progress = value.progress;
  need(isObject(progress) && isCount(progress.basesDone) && isCount(progress.basesTotal), 'field progress is missing or malformed');
  need(Number.isInteger(value.attempts) && (value.attempts as number) >= 0, 'field attempts is missing or not a count');
  need(isDate(value.submittedAt), 'field submittedAt is missing or not a date');
  for (const k of ['startedAt', 'finishedAt']) need(value[k] === undefined || isDate(value[k]), `field ${k} is not a date`);
  need(value.runSeconds === undefined || isCount(value.runSeconds), 'field runSeconds is not a number');
  const error = value.error;
  need(error === undefined || (isObject(error) && typeof error.error === 'string' && typeof error.message === 'string'), 'field error is malformed');
  const result = value.result;
  const resultOk =
    isObject(result) &&
    isCount(result.regions) &&
    isCount(result.chromosomes) &&
    isCount(result.bases) &&
    Array.isArray(result.labels) &&
    result.labels.length > 0 &&
    result.labels.every((l) => typeof l === 'string');
  need(result === undefined || resultOk, 'field result is malformed');
  if (value.state === 'done') need(result !== undefined, 'it is done but has no result');
  return problems;
}

/** The record if it is one (see jobRecordProblems). */
export function asJobRecord(value: unknown, id: string): JobRecord | undefined {
  return jobRecordProblems(value, id).length === 0 ? (value as unknown as JobRecord) : undefined;
}
