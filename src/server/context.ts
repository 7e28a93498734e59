import type { JobRunner } from '../jobs/jobRunner.js';
import type { JobStore } from '../jobs/jobStore.js';
import type { ConcurrencyLimit } from './concurrencyLimit.js';
import type { DataRoots } from './dataRoots.js';
import type { ServiceMetrics } from './metrics.js';
import type { ModelCatalog } from './modelCatalog.js';
import type { PredictionService } from './predictionService.js';
import type { Timeouts } from './timeouts.js';

/** What the routes share: built once by startService (service.ts). */
export interface ServerContext {
  catalog: ModelCatalog;
  predictions: PredictionService;
  runner: JobRunner;
  store: JobStore;
  dataRoots: DataRoots;
  metrics: ServiceMetrics;
  /** Synchronous predictions running at once (beyond: 503). */
  syncLimit: ConcurrencyLimit;
  limits: {
    /** Bytes of one multipart upload, all files together (beyond: 413). */
    maxUploadBytes: number;
    /** Largest genome POST /v1/predict runs; bigger ones go through jobs (beyond: 413). */
    maxSyncBp: number;
    /** Largest region POST /v1/attribution answers synchronously; bigger ones become jobs. */
    maxSyncAttributionBp: number;
  };
  /** How long the server waits for a client's headers and body. */
  timeouts: Timeouts;
  /** Per-request upload directories live here (and are always removed). */
  uploadsDir: string;
  /** Bearer token; undefined leaves auth off. */
  token?: string;
  logLevel: string;
  /** genomeinfer's version (package.json), for /v1/models. */
  toolVersion: string;
  isShuttingDown: () => boolean;
}
