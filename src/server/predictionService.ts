import { attributionPaths, writeAttribution } from '../attribution/attributionOutputs.js';
import { attributeRegion, type IsmRequest, type IsmResult } from '../attribution/ismAttribution.js';
import { genomeLength, type Chromosome } from '../genome.js';
import { GenomeinferError } from '../errors.js';
import type { InferenceEngine } from '../inference/engine.js';
import type { LoadedModel } from '../models/repository.js';
import { openGenomeInput, type GenomeInput, type GenomeInputPaths } from '../pipeline/genomeInput.js';
import type { Progress } from '../pipeline/predictChromosomes.js';
import { runPrediction, type OutputPaths, type PredictionSummary } from '../pipeline/runPrediction.js';
import type { RegionParams } from '../regions/callRegions.js';
import type { ServiceMetrics } from './metrics.js';
import type { PathLabels } from './pathLabels.js';

export interface PredictionRequest {
  model: LoadedModel;
  paths: GenomeInputPaths;
  /** Server paths → the client's names, for error messages. */
  labels: PathLabels;
  outputs: OutputPaths;
  regions?: Partial<RegionParams>;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Runs once the input is open and valid, with its total bases; throws to refuse it (413). */
  admit?: (bases: number) => void;
}

export interface AttributionServiceRequest {
  model: LoadedModel;
  paths: GenomeInputPaths;
  labels: PathLabels;
  ism: IsmRequest;
  /** Write the four attribution files at this prefix (jobs); nothing is written without it. */
  outputPrefix?: string;
  /** Positions in the TSV. */
  top?: number;
  signal?: AbortSignal;
  onProgress?: (basesDone: number, basesTotal: number) => void;
  /** Runs once the input is open and valid, with the region's bases; throws to refuse it. */
  admit?: (bases: number) => void;
}

/**
 * The HTTP layer's one way into the pipeline, for synchronous predictions and jobs alike:
 * openGenomeInput + runPrediction (the code path the CLI uses), with the metrics hooked in
 * and the pipeline's messages speaking of the client's file names.
 */
export class PredictionService {
  constructor(
    private readonly engine: InferenceEngine,
    private readonly metrics: ServiceMetrics,
  ) {}

  /** Opens and validates the input (every check `predict` makes before work), then closes it. */
  async inspect(model: LoadedModel, paths: GenomeInputPaths, labels: PathLabels): Promise<{ bases: number; chromosomes: readonly Chromosome[]; fasta: string }> {
    const input = await this.open(model, paths, labels);
    try {
      return { bases: totalBases(input), chromosomes: input.fasta.chromosomes, fasta: labels.translate(input.fasta.path) };
    } finally {
      await input.close();
    }
  }

  async run(request: PredictionRequest): Promise<PredictionSummary> {
    const { model, labels } = request;
    const input = await this.open(model, request.paths, labels);
    try {
      request.admit?.(totalBases(input));
      let reported = 0;
      return await runPrediction(this.engine, model, input, request.outputs, {
        regions: request.regions,
        signal: request.signal,
        onProgress: (p) => {
          this.metrics.recordBases(model.key, p.basesDone - reported);
          reported = p.basesDone;
          request.onProgress?.(p);
        },
        onChromosome: (c) => this.metrics.recordChromosome(model.key, c),
      });
    } catch (err) {
      throw translated(err, labels);
    } finally {
      await input.close();
    }
  }

  /**
   * In-silico mutagenesis of one region (genomeinfer attribute's code path); with `outputPrefix`
   * its files are written there as the CLI writes them. `admit` gets the region's bases.
   */
  async attribute(request: AttributionServiceRequest): Promise<IsmResult> {
    const { model, labels } = request;
    const input = await this.open(model, request.paths, labels);
    try {
      request.admit?.(request.ism.region.end - request.ism.region.start);
      const result = await attributeRegion(this.engine, model, input, request.ism, { signal: request.signal, onProgress: request.onProgress });
      if (request.outputPrefix !== undefined) await writeAttribution(result, input.fasta.chromosomes, attributionPaths(request.outputPrefix), request.top);
      return result;
    } catch (err) {
      throw translated(err, labels);
    } finally {
      await input.close();
    }
  }

  private async open(model: LoadedModel, paths: GenomeInputPaths, labels: PathLabels): Promise<GenomeInput> {
    try {
      return await openGenomeInput(paths, model);
    } catch (err) {
      throw translated(err, labels);
    }
  }
}

const totalBases = (input: GenomeInput) => genomeLength(input.fasta.chromosomes);

/** The same typed error, its message naming the client's files instead of server paths. */
function translated(err: unknown, labels: PathLabels): unknown {
  if (!(err instanceof GenomeinferError)) return err;
  const message = labels.translate(err.message);
  if (message === err.message) return err;
  const copy = new GenomeinferError(err.kind, err.code, message, { cause: err });
  copy.name = err.name;
  return copy;
}
