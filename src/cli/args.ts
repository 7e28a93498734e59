import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, errorMessage } from '../errors.js';
import { DEVICES, type Device } from '../inference/executionProvider.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A value that starts with '-' but is a number (`--top-n -1`): a value, not an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * node:util parseArgs with its errors turned into one-line UsageErrors in our words. A
 * negative number after an option taking a value is that option's value, so it reaches
 * the option's own range check ("--top-n must be … not '-1'") instead of parseArgs calling
 * it ambiguous.
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.startsWith('--') && !argv[i]!.includes('=') ? argv[i]!.slice(2) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      args.push(`--${name}=${next}`);
      i++;
    } else {
      args.push(argv[i]!);
    }
  }
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError(`${command}: ${usageMessage(err)} (see genomeinfer ${command} --help)`);
  }
}

function usageMessage(err: unknown): string {
  const { code } = err as { code?: string };
  const message = errorMessage(err);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const option = quoted.split(' ')[0];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}': every value follows its option (--name VALUE)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /ambiguous/.test(message)
        ? `${option} needs a value, and the next argument starts with '-'; to give a value starting with '-', write ${option}=VALUE`
        : /missing/.test(message)
          ? `${option} needs a value`
          : `${option} takes no value`;
    default:
      return message.replace(/\s*\n\s*/g, ' ');
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
  'release-idle-seconds': { type: 'string' },
} as const;

export function engineOptions(args: { workers?: string; 'threads-per-worker'?: string; 'max-batch'?: string; device?: string; 'release-idle-seconds'?: string }) {
  const device = (args.device ?? 'auto') as Device;
  if (!DEVICES.includes(device)) throw new UsageError(`--device must be one of ${DEVICES.join(', ')}, not '${args.device}'`);
  return {
    workers: positiveInt('--workers', args.workers),
    threadsPerWorker: positiveInt('--threads-per-worker', args['threads-per-worker']),
    maxBatch: positiveInt('--max-batch', args['max-batch']),
    device,
    releaseIdleMs: releaseIdleMs(args['release-idle-seconds']),
  };
}

/** --release-idle-seconds: seconds ≥ 0, 0 meaning never (EngineOptions.releaseIdleMs). */
function releaseIdleMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--release-idle-seconds must be a number of seconds ≥ 0 (0: never), not '${value}'`);
  return n === 0 ? Number.POSITIVE_INFINITY : Math.round(n * 1000);
}
