import type { Bins, Bp } from '../genome.js';
import { GenomeinferError, InputError } from '../errors.js';
import type { InferenceEngine, SegmentOutput } from '../inference/engine.js';
import type { LoadedModel } from '../models/repository.js';
import type { GenomeInput } from '../pipeline/genomeInput.js';
import { readWindow } from '../pipeline/segmentInput.js';
import { coreOffsetBins, planSegments, type Segment } from '../segmenting/segmenter.js';
import { formatRegion, regionChromosome, type GenomicRegion } from './genomicRegion.js';

/** The bases a base is mutated to, in the order of IsmResult.deltas' columns. */
export const BASES = 'ACGT';
/** Largest region attributed in one request: 3 mutants per base, each a whole model input. */
export const MAX_ATTRIBUTION_BP = 100_000;

export interface IsmRequest {
  region: GenomicRegion;
  /** The output label whose probability change is measured (default: the model's first). */
  label?: string;
}

export interface IsmOptions {
  signal?: AbortSignal;
  /** Bases of the region whose every mutant is done, of all its bases. */
  onProgress?: (basesDone: Bp, basesTotal: Bp) => void;
}

/** In-silico mutagenesis of one region for one label. */
export interface IsmResult {
  model: string;
  label: string;
  region: GenomicRegion;
  /** The region's reference bases, uppercase, as read from the FASTA. */
  reference: string;
  /**
   * [base of the region × 4 (A, C, G, T)]: how much the label's probability, summed over the
   * affected bins, changes when that base is replaced by that letter (0 for the reference
   * letter itself). NaN on all four for a base that is not A/C/G/T (N, IUPAC), which is not mutated.
   */
  deltas: Float64Array;
  /** The chromosome bins [start, end) whose probability some base of the region can change: the cores of the segments whose inputs hold the region. */
  affectedBins: { start: Bins; end: Bins };
  binBp: Bp;
  /** Segments (model inputs) whose inputs hold part of the region. */
  segments: number;
  /** Mutated model inputs run (3 per A/C/G/T base and per segment holding it), reference passes not counted. */
  mutants: number;
  seconds: number;
}

const CODE = new Int8Array(256).fill(-1);
for (const [i, b] of [...BASES].entries()) {
  CODE[b.charCodeAt(0)] = i;
  CODE[b.toLowerCase().charCodeAt(0)] = i;
}
const LETTER = [...BASES].map((b) => b.charCodeAt(0));

/** One segment whose input holds part of the region: its reference input and outputs. */
interface SegmentReference {
  segment: Segment;
  /** The reference input bases, kept to build every mutant from. */
  bases: Uint8Array;
  /** The label's reference probabilities over the segment's core bins. */
  core: Float32Array;
  /** 1 for each core bin without any A/C/G/T base: the stitcher sets it to 0, so it never changes. */
  gap: Uint8Array;
}

/**
 * In-silico mutagenesis: every A/C/G/T base of the region is replaced by each of the three
 * other bases, and each mutant goes through the same engine, segmenting and context handling
 * as `predict`. A base lies in the input of one segment, or of two where it falls in a
 * neighbour's context; each such segment is run with the mutation, and the change of its
 * core bins' probabilities (the bins the stitcher keeps from it) is summed. So a delta is
 * exactly what `predict` on the mutated genome would give minus what it gives on the
 * reference, summed over the affected bins. Mutants are submitted as fast as the engine's
 * slots allow, so mutants of one segment fill whole batches.
 *
 * Sequence models that crop only: a track model's inputs are per-bin features, not bases,
 * and a blended model's bins mix several segments (not supported yet).
 */
export async function attributeRegion(engine: InferenceEngine, model: LoadedModel, input: GenomeInput, request: IsmRequest, options: IsmOptions = {}): Promise<IsmResult> {
  const started = performance.now();
  const { manifest, geometry } = model;
  const label = checkAttributable(model, request);
  const labelIndex = manifest.labels.indexOf(label);
  const { region } = request;
  const chrom = regionChromosome(region, input.fasta.chromosomes, input.fasta.path);
  const regionBp = region.end - region.start;
  const inputBp = (geometry.segmentBins + 2 * geometry.contextBins) * geometry.binBp;
  const segments = planSegments(chrom, geometry).filter((s) => s.inputStart < region.end && s.inputEnd > region.start);

  // Reference passes, one per segment, in parallel.
  const references = await Promise.all(
    segments.map(async (segment): Promise<SegmentReference> => {
      const window = await readWindow(engine, model, input, [{ chrom, segment, computed: undefined }]);
      if (window.kind !== 'sequence') throw new Error('a sequence model got a track input');
      const bases = Uint8Array.from(window.bases);
      const out = await runOne(engine, model, window.bases, options.signal);
      const core = coreOffsetBins(segment, geometry.binBp);
      const from = labelIndex * out.bins + core;
      return {
        segment,
        bases,
        core: Float32Array.from(out.probs.subarray(from, from + segment.coreBins)),
        gap: Uint8Array.from(out.gapBins!.subarray(core, core + segment.coreBins)),
      };
    }),
  );

  const deltas = new Float64Array(regionBp * 4);
  const reference = new Uint8Array(regionBp);
  const first = references[0]!;
  reference.set(first.bases.subarray(region.start - first.segment.inputStart, Math.min(region.end, first.segment.inputEnd) - first.segment.inputStart));
  for (const r of references.slice(1)) {
    // Later segments' inputs reach further right; copy what the earlier ones did not hold.
    const from = Math.max(region.start, r.segment.inputStart);
    reference.set(r.bases.subarray(from - r.segment.inputStart, Math.min(region.end, r.segment.inputEnd) - r.segment.inputStart), from - region.start);
  }
  let mutantsTotal = 0;
  for (let i = 0; i < regionBp; i++) {
    if (CODE[reference[i]!]! < 0) deltas.fill(Number.NaN, i * 4, i * 4 + 4);
    else mutantsTotal += 3 * references.filter((r) => r.segment.inputStart <= region.start + i && region.start + i < r.segment.inputEnd).length;
  }

  // Mutants. Each waits for a slot (bounding memory, shared with every other request), then
  // joins the model's batcher; results fold into `deltas` as they come back, in any order.
  let mutantsDone = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  // Each segment's share of every delta, added up in segment order at the end: results come
  // back in any order, and float addition in arrival order would make reruns differ in the last bit.
  const shares = references.map(() => new Float64Array(regionBp * 4));
  const addDelta = (k: number, out: SegmentOutput, cell: number) => {
    const ref = references[k]!;
    const from = labelIndex * out.bins + coreOffsetBins(ref.segment, geometry.binBp);
    let d = 0;
    for (let b = 0; b < ref.core.length; b++) if (!ref.gap[b]) d += out.probs[from + b]! - ref.core[b]!;
    shares[k]![cell] = d;
    mutantsDone++;
    options.onProgress?.(Math.floor((regionBp * mutantsDone) / mutantsTotal), regionBp);
  };
  submit: for (let i = 0; i < regionBp; i++) {
    const code = CODE[reference[i]!]!;
    if (code < 0) continue;
    const pos = region.start + i;
    for (const [k, ref] of references.entries()) {
      if (pos < ref.segment.inputStart || pos >= ref.segment.inputEnd) continue;
      for (let alt = 0; alt < 4; alt++) {
        if (alt === code) continue;
        if (failure !== undefined || options.signal?.aborted) break submit;
        await engine.slots.acquire();
        const bases = engine.segmentBases(inputBp);
        bases.set(ref.bases);
        bases[pos - ref.segment.inputStart] = LETTER[alt]!;
        const done: Promise<void> = engine
          .run(model, { kind: 'sequence', bases })
          .then(
            (out) => addDelta(k, out, i * 4 + alt),
            (err: unknown) => void (failure ??= err),
          )
          .finally(() => {
            engine.slots.release();
            inFlight.delete(done);
          });
        inFlight.add(done);
      }
    }
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  if (options.signal?.aborted) throw cancelled();
  for (const share of shares) for (let c = 0; c < deltas.length; c++) if (!Number.isNaN(deltas[c]!)) deltas[c]! += share[c]!;

  const last = references[references.length - 1]!.segment;
  return {
    model: model.key,
    label,
    region,
    reference: Buffer.from(reference).toString('latin1').toUpperCase(),
    deltas,
    affectedBins: { start: first.segment.firstBin, end: last.firstBin + last.coreBins },
    binBp: geometry.binBp,
    segments: references.length,
    mutants: mutantsDone,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Whether `model` can explain `request` (a sequence model that crops, a label it has, a region
 * of at most MAX_ATTRIBUTION_BP): the label to explain, or a typed error. Checked again by
 * attributeRegion; callers that queue work check it first.
 */
export function checkAttributable(model: LoadedModel, request: IsmRequest): string {
  const { manifest } = model;
  if (manifest.input.kind !== 'sequence') {
    throw new InputError('attribution_model_unsupported', `model ${model.key} reads per-bin tracks, not bases: in-silico mutagenesis needs a sequence model`);
  }
  if (manifest.postprocess.stitch !== 'crop') {
    throw new InputError('attribution_model_unsupported', `model ${model.key} blends overlapping segments; in-silico mutagenesis supports cropping models only`);
  }
  const label = request.label ?? manifest.labels[0]!;
  if (!manifest.labels.includes(label)) throw new InputError('attribution_label_unknown', `model ${model.key} has no label '${label}'; its labels are ${manifest.labels.join(', ')}`);
  const regionBp = request.region.end - request.region.start;
  if (regionBp > MAX_ATTRIBUTION_BP) {
    throw new InputError('attribution_region_too_large', `region ${formatRegion(request.region)} has ${regionBp} bases; attribution takes at most ${MAX_ATTRIBUTION_BP} per request (3 model inputs per base)`);
  }
  return label;
}

/** One input through the engine, holding a slot while it is in flight (as `predict` does). */
async function runOne(engine: InferenceEngine, model: LoadedModel, bases: Uint8Array, signal: AbortSignal | undefined): Promise<SegmentOutput> {
  if (signal?.aborted) throw cancelled();
  await engine.slots.acquire();
  try {
    return await engine.run(model, { kind: 'sequence', bases });
  } finally {
    engine.slots.release();
  }
}

function cancelled(): GenomeinferError {
  return new GenomeinferError('cancelled', 'cancelled', 'attribution cancelled');
}

/** Per base: the largest |delta| over its three mutants (0 for a base that was not mutated). */
export function maxAbsDelta(result: IsmResult): Float32Array {
  const out = new Float32Array(result.deltas.length / 4);
  for (let i = 0; i < out.length; i++) {
    let m = 0;
    for (let a = 0; a < 4; a++) m = Math.max(m, Math.abs(result.deltas[i * 4 + a]!) || 0);
    out[i] = m;
  }
  return out;
}

/** Per base: the mean of its three mutants' signed deltas (0 for a base that was not mutated). */
export function meanDelta(result: IsmResult): Float32Array {
  const out = new Float32Array(result.deltas.length / 4);
  for (let i = 0; i < out.length; i++) {
    const d = result.deltas.subarray(i * 4, i * 4 + 4);
    // The reference letter's own column is 0, so the sum of four is the sum of the three mutants.
    out[i] = Number.isNaN(d[0]) ? 0 : (d[0]! + d[1]! + d[2]! + d[3]!) / 3;
  }
  return out;
}

/**
 * Per base: its importance to the label, −(mean Δ of its three mutants), as in in-silico
 * saturation mutagenesis logos (0 for a base that was not mutated). Positive: losing the
 * reference base lowers the label's probability, so the base supports it; negative: the base
 * works against the label. A base where one mutant creates a site (one large positive Δ) counts
 * a third of it, as a negative: what a mutant can gain is not evidence that the reference base
 * matters, which the largest |Δ| would take it for.
 */
export function importance(result: IsmResult): Float32Array {
  return meanDelta(result).map((d) => (d === 0 ? 0 : -d));
}
