import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BatchStats } from '../inference/engine.js';
import type { ChromosomeDone } from '../pipeline/predictChromosomes.js';

/** Live values read at scrape time. */
export interface MetricSources {
  jobsByState: () => Record<string, number>;
  queueDepth: () => number;
  workerUtilization: () => number;
  segmentsInFlight: () => number;
}

const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The service's Prometheus metrics, prefix `genomeinfer_`. Batch timings are measured on the
 * worker threads, come back with each batch result (InferenceEngine onBatch) and are
 * recorded here, on the main thread, where /metrics reads them.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({
    name: 'genomeinfer_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'genomeinfer_http_request_duration_seconds',
    help: 'Time from request to response, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly segments = new Counter({
    name: 'genomeinfer_segments_inferred_total',
    help: 'Segments run through a model (warm-up excluded).',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly bases = new Counter({
    name: 'genomeinfer_bases_inferred_total',
    help: 'Genome bases predicted (segment cores), by model.',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly batchSize = new Histogram({
    name: 'genomeinfer_batch_size',
    help: 'Segments per inference batch.',
    labelNames: ['model'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  private readonly inference = new Histogram({
    name: 'genomeinfer_inference_duration_seconds',
    help: 'ONNX Runtime session.run time per batch, measured on the worker thread.',
    labelNames: ['model'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly queueWait = new Histogram({
    name: 'genomeinfer_queue_wait_duration_seconds',
    help: 'Time a batch waited between dispatch and a worker starting it.',
    labelNames: ['model'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly stitch = new Histogram({
    name: 'genomeinfer_stitch_duration_seconds',
    help: 'Main-thread time spent stitching one chromosome from its segments.',
    labelNames: ['model'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'genomeinfer_errors_total',
    help: 'Errors answered or recorded, by kind (input, usage, not_found, model, device, auth, busy, too_large, internal, ...).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly uploadBytes = new Counter({
    name: 'genomeinfer_upload_bytes_total',
    help: 'Bytes of uploaded genome files received.',
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'genomeinfer_' });
    // prom-client names these gauges `…_total`, which Prometheus reserves for counters
    // (promtool check metrics rejects them); handle counts say little about this service.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(`genomeinfer_${name}`);
    }
    new Gauge({
      name: 'genomeinfer_jobs',
      help: 'Jobs in the store, by state.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        for (const [state, n] of Object.entries(sources.jobsByState())) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'genomeinfer_job_queue_depth',
      help: 'Jobs waiting to run.',
      registers: [this.registry],
      collect() {
        this.set(sources.queueDepth());
      },
    });
    new Gauge({
      name: 'genomeinfer_worker_utilization_ratio',
      help: 'Inference worker utilization in [0, 1], as the worker pool measures it.',
      registers: [this.registry],
      collect() {
        this.set(sources.workerUtilization());
      },
    });
    new Gauge({
      name: 'genomeinfer_segments_in_flight',
      help: 'Segments read and not yet stitched, across all requests (bounded by the engine).',
      registers: [this.registry],
      collect() {
        this.set(sources.segmentsInFlight());
      },
    });
  }

  recordRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  recordBatch(b: BatchStats): void {
    this.segments.inc({ model: b.model }, b.segments);
    this.batchSize.observe({ model: b.model }, b.segments);
    this.inference.observe({ model: b.model }, b.inferMs / 1000);
    this.queueWait.observe({ model: b.model }, b.queueWaitMs / 1000);
  }

  recordChromosome(model: string, c: ChromosomeDone): void {
    this.stitch.observe({ model }, c.stitchMs / 1000);
  }

  recordBases(model: string, bases: number): void {
    if (bases > 0) this.bases.inc({ model }, bases);
  }

  recordError(kind: string): void {
    this.errors.inc({ kind });
  }

  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
