import { UsageError, errorMessage } from '../errors.js';
import { DEFAULT_TIMEOUTS } from '../server/timeouts.js';
import { ENGINE_ARGS, engineOptions, parseCommandArgs, positiveInt } from './args.js';
import { exitCodeForSignal } from './exitCodes.js';
import { toolVersion } from './version.js';

export const SERVE_HELP = `usage: genomeinfer serve [options]

Serves the model repository over HTTP: GET /v1/models, POST /v1/predict (upload → BED),
POST /v1/jobs (upload or data-root paths → async job), GET/DELETE /v1/jobs/:id,
GET /v1/jobs/:id/result, /healthz, /readyz, /metrics (Prometheus), /docs (OpenAPI).
With GENOMEINFER_TOKEN set, requests need Authorization: Bearer <token> (not /healthz, /readyz, /docs).
  --host HOST               address to listen on (default 127.0.0.1)
  --port N                  port (default 8080; 0 picks a free one)
  --data-root DIR           directory JSON job submissions may name files under (repeatable)
  --state-dir DIR           job records, results and upload scratch (default ./genomeinfer-state)
  --model NAME[@VERSION]    serve only these models (repeatable; default: every model)
  --models-dir DIR          model repository (default: GENOMEINFER_MODELS or the bundled models/)
  --workers N               inference worker threads (default: cores)
  --threads-per-worker N    ONNX Runtime intra-op threads per worker (default: cores / workers)
  --max-batch N             segments per inference batch (default 8)
  --release-idle-seconds N  a worker releases a model's ONNX Runtime session, and its memory arena, after N s
                            without a batch (default 10; 0: never); the next request creates it again
  --device auto|cpu|cuda    execution provider (default auto)
  --max-upload-bytes N      bytes of one upload, all files together (default 2147483648); beyond: 413
  --max-sync-bp N           largest genome POST /v1/predict runs (default 50000000); beyond: 413
  --max-sync N              synchronous predictions at once (default: workers); beyond: 503
  --max-sync-attribution-bp N  largest region POST /v1/attribution answers at once (default 1000); beyond: a job
  --max-queued-jobs N       jobs waiting (default 64); beyond: 429
  --max-running-jobs N      jobs running at once (default 1)
  --shutdown-grace-seconds N  on SIGTERM, how long running jobs may finish before they are re-queued (default 30)
  --header-timeout-seconds N  request headers must arrive within this (default 30); beyond: 408
  --body-idle-timeout-seconds N  a request body may go this long without a byte (default 60); beyond: 408
  --request-timeout-seconds N  a whole request, body included, must arrive within this (default 3600); beyond: 408
  --keep-alive-timeout-seconds N  an idle kept-alive connection is closed after this (default 72)
  --log-level LEVEL         fatal|error|warn|info|debug (default info; JSON lines on stdout)`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export async function serveCommand(argv: string[]): Promise<void> {
  const args = parseCommandArgs('serve', argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    'data-root': { type: 'string', multiple: true },
    'state-dir': { type: 'string' },
    model: { type: 'string', multiple: true },
    'models-dir': { type: 'string' },
    ...ENGINE_ARGS,
    'max-upload-bytes': { type: 'string' },
    'max-sync-bp': { type: 'string' },
    'max-sync': { type: 'string' },
    'max-sync-attribution-bp': { type: 'string' },
    'max-queued-jobs': { type: 'string' },
    'max-running-jobs': { type: 'string' },
    'shutdown-grace-seconds': { type: 'string' },
    'header-timeout-seconds': { type: 'string' },
    'body-idle-timeout-seconds': { type: 'string' },
    'request-timeout-seconds': { type: 'string' },
    'keep-alive-timeout-seconds': { type: 'string' },
    'log-level': { type: 'string' },
  });
  const engineArgs = engineOptions(args);
  const logLevel = args['log-level'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not '${logLevel}'`);
  const port = args.port === undefined ? 8080 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer in [0, 65535], not '${args.port}'`);
  const seconds = (name: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`${name} must be a number of seconds ≥ 0, not '${value}'`);
    return n;
  };
  const timeout = (name: string, fallbackMs: number) => {
    const value = args[name as keyof typeof args] as string | undefined;
    if (value === undefined) return fallbackMs;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a number of seconds > 0, not '${value}'`);
    return Math.round(n * 1000);
  };
  const timeouts = {
    headerMs: timeout('header-timeout-seconds', DEFAULT_TIMEOUTS.headerMs),
    bodyIdleMs: timeout('body-idle-timeout-seconds', DEFAULT_TIMEOUTS.bodyIdleMs),
    requestMs: timeout('request-timeout-seconds', DEFAULT_TIMEOUTS.requestMs),
    keepAliveMs: timeout('keep-alive-timeout-seconds', DEFAULT_TIMEOUTS.keepAliveMs),
  };
  // Node refuses a header timeout longer than the whole-request one.
  if (timeouts.headerMs > timeouts.requestMs) throw new UsageError('--header-timeout-seconds must not exceed --request-timeout-seconds');
  const int = (name: string, fallback: number) => positiveInt(`--${name}`, args[name as keyof typeof args] as string | undefined) ?? fallback;

  // Loaded here, not at the top: other commands need not load Fastify and its plugins.
  const { startService } = await import('../server/service.js');
  const service = await startService({
    host: args.host ?? '127.0.0.1',
    port,
    dataRoots: args['data-root'] ?? [],
    stateDir: args['state-dir'] ?? 'genomeinfer-state',
    models: args.model ?? [],
    modelsDir: args['models-dir'],
    ...engineArgs,
    maxUploadBytes: int('max-upload-bytes', 2 ** 31),
    maxSyncBp: int('max-sync-bp', 50_000_000),
    maxSyncPredictions: positiveInt('--max-sync', args['max-sync']),
    maxSyncAttributionBp: int('max-sync-attribution-bp', 1_000),
    maxQueuedJobs: int('max-queued-jobs', 64),
    maxRunningJobs: int('max-running-jobs', 1),
    shutdownGraceMs: seconds('--shutdown-grace-seconds', args['shutdown-grace-seconds'], 30) * 1000,
    timeouts,
    token: process.env.GENOMEINFER_TOKEN || undefined,
    logLevel,
    toolVersion: toolVersion(),
  });
  process.stderr.write(`genomeinfer: listening on ${service.url}\n`);
  service.ready.then(
    () => process.stderr.write('genomeinfer: ready\n'),
    (err: unknown) => process.stderr.write(`genomeinfer: error: loading models failed: ${errorMessage(err)}\n`),
  );

  // SIGTERM/SIGINT: graceful shutdown; a second signal exits at once.
  await new Promise<void>((resolve, reject) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(exitCodeForSignal(signal));
      signalled = true;
      process.stderr.write(`genomeinfer: ${signal}: shutting down\n`);
      service.close().then(resolve, reject);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  process.stderr.write('genomeinfer: stopped\n');
}
