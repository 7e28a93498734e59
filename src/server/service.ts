import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ModelError } from '../errors.js';
import { InferenceEngine } from '../inference/engine.js';
import type { Device } from '../inference/executionProvider.js';
import { JobRunner } from '../jobs/jobRunner.js';
import { JobStore } from '../jobs/jobStore.js';
import { ModelRepository } from '../models/repository.js';
import { buildApp } from './app.js';
import { ConcurrencyLimit } from './concurrencyLimit.js';
import { DataRoots } from './dataRoots.js';
import { describeJobFailure } from './errorMapping.js';
import { jobExecutor } from './jobExecutor.js';
import { ServiceMetrics } from './metrics.js';
import { ModelCatalog } from './modelCatalog.js';
import { PredictionService } from './predictionService.js';
import { DEFAULT_TIMEOUTS, type Timeouts } from './timeouts.js';

export interface ServiceOptions {
  host: string;
  port: number;
  dataRoots: string[];
  stateDir: string;
  /** Model refs to serve (`name` or `name@version`); empty: every model in the repository. */
  models: string[];
  modelsDir?: string;
  workers?: number;
  threadsPerWorker?: number;
  maxBatch?: number;
  /** EngineOptions.releaseIdleMs. */
  releaseIdleMs?: number;
  device: Device;
  maxUploadBytes: number;
  maxSyncBp: number;
  /** Largest region POST /v1/attribution answers synchronously (default 1000 bp); bigger ones become jobs. */
  maxSyncAttributionBp?: number;
  maxSyncPredictions?: number;
  maxQueuedJobs: number;
  maxRunningJobs: number;
  /** How long running jobs may take to finish on shutdown before they are stopped and left queued. */
  shutdownGraceMs: number;
  /** Header, body idle, whole-request and keep-alive timeouts (default DEFAULT_TIMEOUTS). */
  timeouts?: Timeouts;
  token?: string;
  logLevel: string;
  /** genomeinfer's version, reported by /v1/models next to the model versions. */
  toolVersion: string;
}

export interface RunningService {
  url: string;
  app: FastifyInstance;
  /** Resolves once models are loaded and warm (or refused) and queued jobs have started. */
  ready: Promise<void>;
  /** Graceful shutdown: stop accepting, drain requests, finish or re-queue running jobs, stop workers. */
  close(): Promise<void>;
}

/**
 * Starts `genomeinfer serve`: one process holding the worker pool, the models, the job
 * store and the HTTP API. It listens before the models are warm (so /healthz answers from
 * the start); /readyz says when it can take work.
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const stateDir = resolve(options.stateDir);
  const uploadsDir = join(stateDir, 'uploads');
  // Upload directories of a process that was killed: nobody will ever read them.
  await rm(uploadsDir, { recursive: true, force: true });
  await mkdir(uploadsDir, { recursive: true });
  const repository = new ModelRepository(options.modelsDir);
  const catalog = await ModelCatalog.open(repository, options.models);
  if (catalog.entries.length === 0) throw new ModelError('models_none', `no models to serve in ${repository.root}`);
  const dataRoots = await DataRoots.create(options.dataRoots);
  const store = new JobStore(stateDir);

  // Lines logged before the app (and its logger) exists are replayed into it.
  const early: [level: 'info' | 'warn', line: string][] = [];
  let log = (line: string): void => void early.push(['info', line]);
  let warn = (line: string): void => void early.push(['warn', line]);
  // The metrics read the runner at scrape time; scrapes only come once it exists.
  let runner: JobRunner | undefined;
  let engine: InferenceEngine | undefined;
  const metrics = new ServiceMetrics({
    jobsByState: () => runner?.counts() ?? {},
    queueDepth: () => runner?.queueDepth ?? 0,
    workerUtilization: () => engine?.utilization ?? 0,
    segmentsInFlight: () => engine?.slots.inUse ?? 0,
  });
  engine = await InferenceEngine.create({
    workers: options.workers,
    threadsPerWorker: options.threadsPerWorker,
    maxBatch: options.maxBatch,
    releaseIdleMs: options.releaseIdleMs,
    device: options.device,
    probeModelPath: join(catalog.entries[0]!.dir, 'model.onnx'),
    log: (line) => log(line),
    onBatch: (b) => metrics.recordBatch(b),
  });
  const workers = engine;
  try {
    const predictions = new PredictionService(workers, metrics);
    const jobs = new JobRunner(store, jobExecutor(catalog, store, dataRoots, predictions), {
      maxQueued: options.maxQueuedJobs,
      maxRunning: options.maxRunningJobs,
      describeError: describeJobFailure,
      onFailure: (kind) => metrics.recordError(kind),
      log: (line) => log(line),
      warn: (line) => warn(line),
    });
    runner = jobs;
    await jobs.restore();

    let shuttingDown = false;
    const app = await buildApp({
      catalog,
      predictions,
      runner: jobs,
      store,
      dataRoots,
      metrics,
      syncLimit: new ConcurrencyLimit(options.maxSyncPredictions ?? workers.workers),
      limits: { maxUploadBytes: options.maxUploadBytes, maxSyncBp: options.maxSyncBp, maxSyncAttributionBp: options.maxSyncAttributionBp ?? 1_000 },
      uploadsDir,
      timeouts: options.timeouts ?? DEFAULT_TIMEOUTS,
      token: options.token,
      logLevel: options.logLevel,
      toolVersion: options.toolVersion,
      isShuttingDown: () => shuttingDown,
    });
    log = (line) => app.log.info(line);
    warn = (line) => app.log.warn(line);
    for (const [level, line] of early) app.log[level](line);
    const url = await app.listen({ host: options.host, port: options.port });
    const ready = catalog.loadAll(repository, workers, log).then(() => jobs.start());

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        shuttingDown = true;
        log('shutting down: no new requests; in-flight requests and running jobs may finish');
        await Promise.all([app.close(), jobs.drain(options.shutdownGraceMs)]);
        await ready;
        // A stopped prediction leaves its last segments in the workers (they take milliseconds).
        await workers.closeWhenIdle(60_000);
        await rm(uploadsDir, { recursive: true, force: true });
      })());
    return { url, app, ready, close };
  } catch (err) {
    // Worker threads would keep a process that failed to start (port in use, ...) alive.
    await workers.close();
    throw err;
  }
}
