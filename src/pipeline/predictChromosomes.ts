import { genomeLength, type Bp, type Chromosome } from '../genome.js';
import type { InferenceEngine, SegmentInput } from '../inference/engine.js';
import type { LoadedModel } from '../models/repository.js';
import { N_BYTE } from '../encoding/onehot.js';
import { normalizeTrack } from '../encoding/trackNormalization.js';
import { planSegments, type Segment } from '../segmenting/segmenter.js';
import { ChromosomeStitcher, type StitchedChromosome } from '../stitching/chromosomeStitcher.js';
import { GenomeinferError } from '../errors.js';
import type { GenomeInput } from './genomeInput.js';
import type { ChromosomeFeatures } from '../features/featureComputer.js';

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
 */
export async function* predictChromosomes(
  engine: InferenceEngine,
  model: LoadedModel,
  input: GenomeInput,
  options: PredictOptions = {},
): AsyncGenerator<StitchedChromosome> {
  const chromosomes = input.fasta.chromosomes.filter((c) => c.length > 0);
  const basesTotal = genomeLength(chromosomes);
  let basesDone = 0;
  let stopped = false;
  const finished: Promise<StitchedChromosome>[] = [];
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

  const produce = async () => {
    for (const chrom of chromosomes) {
      const computed = featureStream ? (await featureStream.next()).value as ChromosomeFeatures : undefined;
      const segments = planSegments(chrom, model.geometry);
      const { manifest } = model;
      const stitcher = new ChromosomeStitcher(chrom, manifest.labels, model.geometry, manifest.postprocess.stitch, segments.length, manifest.output.ranges !== undefined);
      const pending: Promise<void>[] = [];
      let stitchMs = 0;
      for (const segment of segments) {
        if (stopped || options.signal?.aborted) throw cancelled();
        await engine.slots.acquire();
        let segmentInput: SegmentInput;
        try {
          segmentInput = await readSegment(engine, model, input, chrom, segment, computed);
        } catch (err) {
          engine.slots.release();
          throw err;
        }
        const inferred = engine
          .run(model, segmentInput)
          .then((out) => {
            const t0 = performance.now();
            stitcher.add(segment, out);
            stitchMs += performance.now() - t0;
            basesDone += segment.coreEnd - segment.coreStart;
            options.onProgress?.({ basesDone, basesTotal, chrom: chrom.name });
          })
          .finally(() => engine.slots.release());
        // Observed through Promise.all below, in order; until then (or when the run stops
        // before this chromosome is complete) a failed batch, such as one whose worker died,
        // must not be an unhandled rejection, which would kill the process.
        inferred.catch(() => undefined);
        pending.push(inferred);
      }
      const done = Promise.all(pending).then(() => {
        const t0 = performance.now();
        const stitched = stitcher.finish();
        stitchMs += performance.now() - t0;
        options.onChromosome?.({ chrom: chrom.name, bases: chrom.length, segments: segments.length, stitchMs });
        return stitched;
      });
      done.catch(() => undefined); // observed by the consumer, in order
      finished.push(done);
      bump();
    }
  };
  const producing = produce()
    .catch((err) => {
      produceError = err;
    })
    .finally(async () => {
      await featureStream?.return?.(undefined);
      producerEnded = true;
      bump();
    });

  try {
    for (let i = 0; i < chromosomes.length; i++) {
      while (finished.length <= i && !producerEnded) await changed;
      if (finished.length <= i) throw produceError;
      const stitched = await finished[i]!;
      delete finished[i]; // the consumer owns it now; keep memory to the chromosomes in flight
      yield stitched;
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

/** Builds one segment's model input; positions outside the chromosome are padding. */
async function readSegment(
  engine: InferenceEngine,
  model: LoadedModel,
  input: GenomeInput,
  chrom: Chromosome,
  seg: Segment,
  computed: ChromosomeFeatures | undefined,
): Promise<SegmentInput> {
  const from = Math.max(0, seg.inputStart);
  const to = Math.min(chrom.length, seg.inputEnd);
  const { manifest, geometry } = model;
  if (manifest.input.kind === 'sequence') {
    const bases = engine.segmentBases(seg.inputEnd - seg.inputStart);
    await input.fasta.read(chrom.name, from, to, bases, from - seg.inputStart);
    // Padding after the read: the reader may use the space past `to` while reading.
    if (from > seg.inputStart) bases.fill(N_BYTE, 0, from - seg.inputStart);
    if (to < seg.inputEnd) bases.fill(N_BYTE, to - seg.inputStart);
    return { kind: 'sequence', bases };
  }
  const inputBins = geometry.segmentBins + 2 * geometry.contextBins;
  const values = engine.segmentValues(manifest.input.tracks.length * inputBins).fill(0);
  // Bins outside the chromosome stay 0 in normalized space: what zero padding would feed.
  const firstInside = Math.max(0, -Math.floor(seg.inputStart / geometry.binBp));
  const insideBins = Math.ceil((to - seg.inputStart) / geometry.binBp) - firstInside;
  const firstChromBin = seg.firstBin - geometry.contextBins + firstInside;
  for (const [t, spec] of manifest.input.tracks.entries()) {
    const track = input.tracks.get(spec.name);
    const means = track
      ? await track.binMeans(chrom.name, seg.inputStart + firstInside * geometry.binBp, seg.inputStart + (firstInside + insideBins) * geometry.binBp, geometry.binBp)
      : computed!.features.get(spec.name)!.slice(firstChromBin, firstChromBin + insideBins);
    values.set(normalizeTrack(means, spec.normalization), t * inputBins + firstInside);
  }
  return { kind: 'tracks', values };
}
