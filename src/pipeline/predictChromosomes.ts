import { binCount, genomeLength, type Bp, type Chromosome } from '../genome.js';
import type { InferenceEngine, SegmentInput } from '../inference/engine.js';
import type { LoadedModel } from '../models/repository.js';
import { planSegments, type Segment } from '../segmenting/segmenter.js';
import { ContigPacker, isPackable, type InputWindow } from '../segmenting/contigPacker.js';
import { ChromosomeStitcher, type StitchedChromosome } from '../stitching/chromosomeStitcher.js';
import { ChromosomeTask } from './chromosomeTask.js';
import { GenomeinferError } from '../errors.js';
import type { GenomeInput } from './genomeInput.js';
import type { ChromosomeFeatures } from '../features/featureComputer.js';
import { TANDEM_TRACKS } from '../models/manifest.js';
import type { TandemTracks } from '../regions/refineWithPeriod.js';
import { readWindow, type WindowPart } from './segmentInput.js';

export interface Progress {
  basesDone: Bp;
  basesTotal: Bp;
  chrom: string;
}

/** One chromosome stitched; `stitchMs` is the main-thread time spent stitching it. */
export interface ChromosomeDone {
  chrom: string;
  bases: Bp;
  segments: number;
  stitchMs: number;
}

export interface PredictOptions {
  onProgress?: (p: Progress) => void;
  /** Called once per chromosome when its stitching is finished (the server's metrics). */
  onChromosome?: (c: ChromosomeDone) => void;
  signal?: AbortSignal;
}

/**
 * The pipeline: for each chromosome in FASTA order, read segments (bounded by the engine's
 * slots), run them through the engine, stitch, and yield the chromosome's per-bin
 * probabilities once all its segments are back. Reading runs ahead of consumption, so the
 * next chromosome's segments share batches with the tail of the previous one.
 * Yields groups, in FASTA order: a chromosome together with the ones after it that are
 * already stitched (the short contigs of a packed input come back together), so a consumer
 * pays its awaits per group, not per contig of a 20,000-scaffold assembly.
 */
export async function* predictChromosomes(
  engine: InferenceEngine,
  model: LoadedModel,
  input: GenomeInput,
  options: PredictOptions = {},
): AsyncGenerator<StitchedChromosome[]> {
  const chromosomes = input.fasta.chromosomes.filter((c) => c.length > 0);
  const basesTotal = genomeLength(chromosomes);
  let basesDone = 0;
  let stopped = false;
  const finished: ChromosomeTask[] = [];
  let producerEnded = false;
  let produceError: unknown;
  // `changed` resolves whenever the producer pushes a chromosome or ends.
  let notify!: () => void;
  let changed = new Promise<void>((r) => (notify = r));
  const bump = () => {
    notify();
    changed = new Promise<void>((r) => (notify = r));
  };

  // Models with computed feature tracks: features are computed per whole chromosome on the
  // feature workers, up to `workers` chromosomes ahead of inference (all of them first when
  // the genome-wide family feature is among them).
  const featureStream = input.computedTracks.length
    ? engine.features.chromosomes(input.fastaPaths, chromosomes, model.geometry.binBp, input.computedTracks)[Symbol.asyncIterator]()
    : undefined;

  const { manifest } = model;
  const packer = model.geometry.packGapBins !== undefined ? new ContigPacker(model.geometry) : undefined;
  /** Contigs placed in the packer's open input, with what reading them needs. */
  let packed = new Map<Segment, Placed>();
  /** Chromosomes whose segments are not all stitched yet. */
  const unfinished = new Set<ChromosomeTask>();

  /** Reads one model input and sends it off; each of its segments is stitched into its chromosome when it returns. */
  const runWindow = async (placed: Placed[]) => {
    if (stopped || options.signal?.aborted) throw cancelled();
    await engine.slots.acquire();
    let windowInput: SegmentInput;
    try {
      windowInput = await readWindow(engine, model, input, placed);
    } catch (err) {
      engine.slots.release();
      throw err;
    }
    const inferred = engine
      .run(model, windowInput)
      .then(
        (out) => {
          for (const p of placed) p.task.stitch(p.segment, out);
        },
        (err: unknown) => {
          for (const p of placed) p.task.fail(err);
        },
      )
      .finally(() => engine.slots.release());
    // Failures reach the consumer through each chromosome's task; this is observed there.
    inferred.catch(() => undefined);
  };
  const runPacked = async (window: InputWindow | undefined) => {
    if (!window) return;
    const placed = window.segments.map((s) => packed.get(s)!);
    packed = new Map();
    await runWindow(placed);
  };

  const produce = async () => {
    for (const chrom of chromosomes) {
      // No await a model does not need: per contig of a 20,000-scaffold assembly, each costs.
      const computed = featureStream ? (await featureStream.next()).value as ChromosomeFeatures : undefined;
      const tandem = manifest.postprocess.refine_with_period ? await tandemTracks(chrom, computed) : undefined;
      if (packer && isPackable(chrom, model.geometry)) {
        const task = startChromosome(chrom, 1, tandem);
        const { segment, closed } = packer.add(chrom);
        if (closed) await runPacked(closed);
        packed.set(segment, { chrom, segment, computed, task });
        continue;
      }
      // A chromosome of its own: what is packed so far goes first, so results stay in order.
      if (packer) await runPacked(packer.flush());
      const segments = planSegments(chrom, model.geometry);
      const task = startChromosome(chrom, segments.length, tandem);
      for (const segment of segments) await runWindow([{ chrom, segment, computed, task }]);
    }
    if (packer) await runPacked(packer.flush());
  };
  /** A chromosome's task, queued for the consumer in FASTA order. */
  const startChromosome = (chrom: Chromosome, segments: number, tandem: TandemTracks | undefined) => {
    const stitcher = new ChromosomeStitcher(chrom, manifest.labels, model.geometry, manifest.postprocess.stitch, segments, manifest.output.ranges !== undefined, tandem);
    const task = new ChromosomeTask(chrom, stitcher, progress, options.onChromosome);
    unfinished.add(task);
    finished.push(task);
    bump();
    return task;
  };
  /** The raw per-bin tandem tracks region calling refines edges with (postprocess.refine_with_period), computed or given as bigWigs. */
  const tandemTracks = async (chrom: Chromosome, computed: ChromosomeFeatures | undefined): Promise<TandemTracks | undefined> => {
    const [period, share] = await Promise.all(
      TANDEM_TRACKS.map((name) => {
        const given = input.tracks.get(name);
        const { binBp } = model.geometry;
        return given ? given.binMeans(chrom.name, 0, binCount(chrom.length, binBp) * binBp, binBp) : computed?.features.get(name);
      }),
    );
    return period && share ? { period, share } : undefined;
  };
  const progress = (task: ChromosomeTask, bases: Bp) => {
    basesDone += bases;
    options.onProgress?.({ basesDone, basesTotal, chrom: task.chrom.name });
    if (task.complete) unfinished.delete(task);
  };
  const producing = produce()
    .catch((err) => {
      produceError = err;
      // Chromosomes whose inputs were never sent (a packed input still open, a chromosome cut
      // off half-way) would otherwise never settle.
      for (const task of unfinished) task.fail(err);
    })
    .finally(async () => {
      await featureStream?.return?.(undefined);
      producerEnded = true;
      bump();
    });

  try {
    for (let i = 0; i < chromosomes.length; ) {
      while (finished.length <= i && !producerEnded) await changed;
      if (finished.length <= i) throw produceError;
      const group = [await finished[i]!.done];
      // The consumer owns them now (delete): memory stays with the chromosomes in flight.
      delete finished[i++];
      for (let next = finished[i]?.stitched; next !== undefined; next = finished[i]?.stitched) {
        group.push(next);
        delete finished[i++];
      }
      yield group;
    }
    await producing;
    if (produceError !== undefined) throw produceError;
  } finally {
    stopped = true;
    await producing;
  }
}

function cancelled(): GenomeinferError {
  return new GenomeinferError('cancelled', 'cancelled', 'prediction cancelled');
}

/** A segment on its way into a model input, with what reading it needs and where its output goes. */
interface Placed extends WindowPart {
  task: ChromosomeTask;
}
