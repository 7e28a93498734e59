import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, errorMessage } from '../errors.js';
import { DEVICES, type Device } from '../inference/executionProvider.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with its errors turned into one-line UsageErrors. */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError(`${command}: ${errorMessage(err)} (see genomeinfer ${command} --help)`);
  }
}

export function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, not '${value}'`);
  return n;
}

/** The inference engine's options, shared by every command that runs models (predict, serve). */
export const ENGINE_ARGS = {
  workers: { type: 'string' },
  'threads-per-worker': { type: 'string' },
  'max-batch': { type: 'string' },
  device: { type: 'string' },
} as const;

export function engineOptions(args: { workers?: string; 'threads-per-worker'?: string; 'max-batch'?: string; device?: string }) {
  const device = (args.device ?? 'auto') as Device;
  if (!DEVICES.includes(device)) throw new UsageError(`--device must be one of ${DEVICES.join(', ')}, not '${args.device}'`);
  return {
    workers: positiveInt('--workers', args.workers),
    threadsPerWorker: positiveInt('--threads-per-worker', args['threads-per-worker']),
    maxBatch: positiveInt('--max-batch', args['max-batch']),
    device,
  };
}
