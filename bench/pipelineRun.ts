/**
 * One full pipeline run in its own process (so its peak RSS is its own), for bench/engine.ts:
 * node dist/bench/pipelineRun.js FASTA WORKERS OUT_BED [MODEL] [THREADS] → one JSON line on stdout.
 * With BENCH_TRACKS=1 it also writes OUT_BED.bedgraph and the bigWigs OUT_BED.<label>.bw, as
 * `predict --bedgraph --bigwig-out` and `annotate` do. BENCH_CPU_ARENA=0 turns ONNX Runtime's
 * CPU memory arena off (EngineOptions.cpuMemArena), for side-by-side runs.
 */
import { performance } from 'node:perf_hooks';
import { InferenceEngine } from '../src/inference/engine.js';
import { ModelRepository } from '../src/models/repository.js';
import { openGenomeInput } from '../src/pipeline/genomeInput.js';
import { runPrediction } from '../src/pipeline/runPrediction.js';
import { peakRssMb } from './peakRss.js';

const [fasta, workers, outBed, modelRef = 'example-cpg', threads] = process.argv.slice(2) as [string, string, string, string?, string?];
const model = await new ModelRepository().load(modelRef);
const input = await openGenomeInput({ fasta }, model);
const engine = await InferenceEngine.create({ workers: Number(workers), device: 'cpu', probeModelPath: model.onnxPath, threadsPerWorker: threads ? Number(threads) : undefined, maxBatch: Number(process.env.BENCH_MAX_BATCH ?? 8), cpuMemArena: process.env.BENCH_CPU_ARENA !== '0' });
// Session creation is start-up, not throughput.
await engine.warmUp(model);
const warm = { ...engine.stats };
const elu0 = performance.eventLoopUtilization();
const cpu0 = process.cpuUsage();
const tracks = process.env.BENCH_TRACKS === '1' ? { bedGraph: `${outBed}.bedgraph`, bigWig: outBed } : {};
const summary = await runPrediction(engine, model, input, { bed: outBed, ...tracks });
const mainBusy = performance.eventLoopUtilization(elu0).utilization;
const cpu = process.cpuUsage(cpu0);
const utilization = engine.utilization;
const featureMs = input.computedTracks.length ? engine.features.stats.ms : 0;
const stats = { featureMs, segments: engine.stats.segments - warm.segments, inferMs: engine.stats.inferMs - warm.inferMs, encodeMs: engine.stats.encodeMs - warm.encodeMs, batches: engine.stats.batches - warm.batches };
// Read before close: the feature workers' counters go with the engine.
await engine.close();
await input.close();
process.stdout.write(
  `${JSON.stringify({ seconds: summary.seconds, bases: summary.bases, bins: Math.round(stats.segments * model.geometry.segmentBins), maxRssMb: peakRssMb(), mainThreadBusy: mainBusy, processCpuS: (cpu.user + cpu.system) / 1e6, poolUtilization: utilization, inferMs: stats.inferMs, encodeMs: stats.encodeMs, featureMs: stats.featureMs, batches: stats.batches })}\n`,
);
