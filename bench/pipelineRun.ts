/**
 * One full pipeline run in its own process (so its peak RSS is its own), for bench/engine.ts:
 * node dist/bench/pipelineRun.js FASTA WORKERS OUT_BED → one JSON line on stdout.
 */
import { InferenceEngine } from '../src/inference/engine.js';
import { ModelRepository } from '../src/models/repository.js';
import { openGenomeInput } from '../src/pipeline/genomeInput.js';
import { runPrediction } from '../src/pipeline/runPrediction.js';

const [fasta, workers, outBed] = process.argv.slice(2) as [string, string, string];
const model = await new ModelRepository().load('example-cpg');
const input = await openGenomeInput({ fasta }, model);
const engine = await InferenceEngine.create({ workers: Number(workers), device: 'cpu', probeModelPath: model.onnxPath });
// Session creation is start-up, not throughput.
await engine.warmUp(model);
const warm = { ...engine.stats };
const summary = await runPrediction(engine, model, input, { bed: outBed });
const stats = { segments: engine.stats.segments - warm.segments, inferMs: engine.stats.inferMs - warm.inferMs, encodeMs: engine.stats.encodeMs - warm.encodeMs, batches: engine.stats.batches - warm.batches };
await engine.close();
process.stdout.write(
  `${JSON.stringify({ seconds: summary.seconds, bases: summary.bases, bins: Math.round(stats.segments * model.geometry.segmentBins), maxRssMb: process.resourceUsage().maxRSS / 1024, inferMs: stats.inferMs, encodeMs: stats.encodeMs, batches: stats.batches })}\n`,
);
