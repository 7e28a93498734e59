import type { Bp, Bins, SegmentGeometry } from '../genome.js';
import { ModelError } from '../errors.js';
import { COMPUTED_FEATURES, COMPUTED_SOURCES, isComputedSource, type ComputedSource } from '../features/featureSet.js';

export interface TrackNormalization {
  /** Apply log(1 + x) before the z-score. */
  log1p: boolean;
  mean: number;
  std: number;
}

export interface TrackSpec {
  name: string;
  /**
   * Where the values come from: `bigwig`, a user-supplied bigWig (`--track NAME=FILE.bw`);
   * otherwise a feature the feature workers compute from the FASTA (src/features/featureSet.ts):
   * `kmer` (seed 000's eight), `tandem` (tandem period), `family` (genome-wide repeat family)
   * or `position`; a `--track NAME=FILE.bw` of precomputed values may replace any of them.
   * `layout` (LAYOUT_TRACKS): written by the engine for each input, not read from anywhere:
   * `input_segment`, the bin's contig in the input (1, 2, … side by side; 0 for padding), and
   * `input_position`, the bin's index in that contig's own single-pass input. A model taking
   * them keeps attention within a contig and reads positions from them, so short contigs pack
   * into one input exactly, with no gap (segmentGeometry).
   */
  source: 'bigwig' | ComputedSource | 'layout';
  normalization: TrackNormalization;
}

/**
 * How a sequence model wants its bases: `onehot` — float32 [batch, 4, bp], A/C/G/T channels
 * built by the engine; `bytes` — the FASTA's ASCII bytes as uint8 [batch, bp], one-hot
 * encoded inside the graph (cheaper: the engine writes 1 byte per base instead of 16).
 */
export type SequenceEncoding = 'onehot' | 'bytes';

export interface SequenceInput {
  kind: 'sequence';
  alphabet: 'ACGT';
  encoding: SequenceEncoding;
  /** Input tensor name. */
  tensor: string;
  segment_bp: Bp;
  bin_bp: Bp;
  context_bp: Bp;
  /**
   * Predict each segment on both strands — the reverse complement's output flipped back to
   * forward bin order — and average the two. Segments are symmetric (context on both sides,
   * whole bins), so bin i of the reverse pass is bin n − 1 − i of the forward one.
   */
  reverse_complement_average?: boolean;
  /**
   * How far beyond a bin's own bases its output may depend on input (bp). Declared by models
   * whose output is local (convolutions, not attention over the whole input): within it, short
   * contigs can share one input with exactly the output each would get alone.
   */
  receptive_field_bp?: Bp;
}

export interface TracksInput {
  kind: 'tracks';
  /** Input tensor name; shape [batch, tracks, bins] (layout NCL). */
  tensor: string;
  bin_bp: Bp;
  segment_bins: Bins;
  context_bins: Bins;
  /** As SequenceInput.receptive_field_bp, in bins. */
  receptive_field_bins?: Bins;
  tracks: TrackSpec[];
}

export type ModelInput = SequenceInput | TracksInput;

export interface Postprocess {
  /** One probability cut-off for every label, or one per label (chosen per mark on validation data). */
  threshold: number | Record<string, number>;
  min_region_bp: Bp;
  merge_gap_bp: Bp;
  /** Keep the N best-scoring regions per chromosome and label; 0 keeps all. */
  top_n: number;
  stitch: 'crop' | 'blend';
  /** Refine region boundaries with the range head (output.ranges). */
  refine_with_ranges?: boolean;
  /**
   * A chromosome with no region at `threshold` is called again at this lower cut-off (a
   * centromere model must not leave a chromosome without a call when its array is faint).
   */
  fallback_threshold?: number;
  /**
   * Move each region's ends to the array of its tandem period: the runs of bins with
   * tandem_period_share ≥ `min_share` and a tandem_period of the region's median period's
   * family (one 1–4 × the other within max(2 bp, `period_tolerance` × the smaller):
   * src/regions/periodFamily.ts), merged across gaps ≤ `merge_gap_bp`, that overlap it
   * (src/regions/refineWithPeriod.ts). Needs both tandem tracks among the model's inputs.
   * Optional `edge_share` (< min_share) and `edge_trim_bp`: the ends may reach further out
   * through bins with share ≥ edge_share, less edge_trim_bp at each end (aged array edges).
   */
  refine_with_period?: { min_share: number; period_tolerance: number; merge_gap_bp: Bp; edge_share?: number; edge_trim_bp?: Bp };
  /**
   * Choose each chromosome's one call genome-wide: where most chromosomes' top calls share a
   * tandem-period unit (HORs count as their monomer), a chromosome whose top call is of another
   * family (5S, 45S, a subtelomeric satellite) takes its heaviest call of the shared unit, at
   * the threshold or else at the fallback threshold (src/regions/sharedPeriodChoice.ts).
   * Needs refine_with_period and top_n 1.
   */
  choose_by_shared_period?: boolean;
}

/** The layout tracks, in the order a model takes them (see TrackSpec.source). */
export const LAYOUT_TRACKS = ['input_segment', 'input_position'] as const;

/** Whether the model takes the layout tracks (segment-masked attention). */
export function takesLayout(input: ModelInput): boolean {
  return input.kind === 'tracks' && input.tracks.some((t) => t.source === 'layout');
}

/** The input tracks refine_with_period reads: the period, then its share. */
export const TANDEM_TRACKS = ['tandem_period', 'tandem_period_share'] as const;

export interface ModelTest {
  /** Sequence models: bases of the example input (length a multiple of bin_bp). */
  sequence?: string;
  /** Track models: raw (un-normalized) per-bin values per track name. */
  tracks?: Record<string, number[]>;
  /** Expected probabilities, [label][bin]. */
  expected: number[][];
  atol: number;
}

export interface Manifest {
  name: string;
  version: string;
  description: string;
  labels: string[];
  trained_on: string;
  license: string;
  sha256: string;
  input: ModelInput;
  output: {
    probabilities: string;
    /**
     * Optional range head, [batch, 3, bins]: per bin, log1p of the distance in bins from the
     * bin's centre to the region's start and to its end, and a confidence logit.
     */
    ranges?: string;
  };
  postprocess: Postprocess;
  test: ModelTest;
}

export function segmentGeometry(manifest: Pick<Manifest, 'input' | 'postprocess'>): SegmentGeometry {
  const { input } = manifest;
  const g: SegmentGeometry =
    input.kind === 'sequence'
      ? { binBp: input.bin_bp, segmentBins: input.segment_bp / input.bin_bp, contextBins: input.context_bp / input.bin_bp }
      : { binBp: input.bin_bp, segmentBins: input.segment_bins, contextBins: input.context_bins };
  const reachBins = input.kind === 'sequence' ? input.receptive_field_bp !== undefined ? Math.ceil(input.receptive_field_bp / input.bin_bp) : undefined : input.receptive_field_bins;
  // Packing is exact only where cropping is (a receptive field inside the context); a blended
  // output is a weighted mean over overlapping inputs, which a packed contig does not have.
  if (reachBins !== undefined && reachBins <= g.contextBins && manifest.postprocess.stitch === 'crop') g.packGapBins = reachBins;
  // A model with layout tracks sees nothing of its neighbours: no gap. A packed contig fits one
  // segment, and a chromosome of one segment is not blended (ChromosomeStitcher), so either
  // stitch mode gives what the contig gets alone.
  if (takesLayout(input)) g.packGapBins = 0;
  return g;
}

/** Validates parsed model.json content; every problem is reported with its field path. */
export function parseManifest(raw: unknown, where: string): Manifest {
  const problems: string[] = [];
  const v = new Checker(problems);
  const m = v.object(raw, 'manifest');
  v.string(m, 'name');
  v.string(m, 'version');
  v.string(m, 'description');
  v.string(m, 'trained_on');
  v.string(m, 'license');
  const sha = v.string(m, 'sha256');
  if (sha !== undefined && !/^[0-9a-f]{64}$/.test(sha)) problems.push('sha256 must be 64 lowercase hex digits');
  const labels = v.array(m, 'labels');
  labels?.forEach((l, i) => typeof l !== 'string' || l.length === 0 ? problems.push(`labels[${i}] must be a non-empty string`) : undefined);
  if (labels?.length === 0) problems.push('labels must not be empty');

  const input = v.object(m?.input, 'input');
  const kind = v.string(input, 'kind', 'input.');
  v.string(input, 'tensor', 'input.');
  const binBp = v.positiveInt(input, 'bin_bp', 'input.');
  if (kind === 'sequence') {
    if (input?.alphabet !== 'ACGT') problems.push('input.alphabet must be "ACGT"');
    if (input?.encoding !== 'onehot' && input?.encoding !== 'bytes') problems.push('input.encoding must be "onehot" or "bytes"');
    const seg = v.positiveInt(input, 'segment_bp', 'input.');
    const ctx = v.nonNegativeInt(input, 'context_bp', 'input.');
    if (binBp && seg && seg % binBp !== 0) problems.push('input.segment_bp must be a multiple of input.bin_bp');
    if (binBp && ctx !== undefined && ctx % binBp !== 0) problems.push('input.context_bp must be a multiple of input.bin_bp');
    v.optionalNonNegativeInt(input, 'receptive_field_bp', 'input.');
    const rc = input?.reverse_complement_average;
    if (rc !== undefined && typeof rc !== 'boolean') problems.push('input.reverse_complement_average must be a boolean');
  } else if (kind === 'tracks') {
    v.positiveInt(input, 'segment_bins', 'input.');
    v.nonNegativeInt(input, 'context_bins', 'input.');
    v.optionalNonNegativeInt(input, 'receptive_field_bins', 'input.');
    const tracks = v.array(input, 'tracks', 'input.');
    if (tracks?.length === 0) problems.push('input.tracks must not be empty');
    tracks?.forEach((t, i) => {
      const track = v.object(t, `input.tracks[${i}]`);
      v.string(track, 'name', `input.tracks[${i}].`);
      if (typeof track?.source === 'string' && isComputedSource(track.source)) {
        const names = COMPUTED_FEATURES[track.source];
        if (!names.includes(track.name)) problems.push(`input.tracks[${i}].name must be one of ${names.join(', ')} for source "${track.source}"`);
      } else if (track?.source === 'layout') {
        if (track.name !== LAYOUT_TRACKS[i - (tracks.length - LAYOUT_TRACKS.length)]) problems.push(`input.tracks[${i}]: layout tracks must be the last two, ${LAYOUT_TRACKS.join(' then ')}`);
      } else if (track?.source !== 'bigwig') {
        problems.push(`input.tracks[${i}].source must be "bigwig", "layout" or one of ${COMPUTED_SOURCES.map((s) => `"${s}"`).join(', ')}`);
      }
      const norm = v.object(track?.normalization, `input.tracks[${i}].normalization`);
      if (typeof norm?.log1p !== 'boolean') problems.push(`input.tracks[${i}].normalization.log1p must be a boolean`);
      v.number(norm, 'mean', `input.tracks[${i}].normalization.`);
      const std = v.number(norm, 'std', `input.tracks[${i}].normalization.`);
      if (std !== undefined && std <= 0) problems.push(`input.tracks[${i}].normalization.std must be > 0`);
    });
  } else if (kind !== undefined) {
    problems.push(`input.kind must be "sequence" or "tracks", not "${kind}"`);
  }

  const post = v.object(m?.postprocess, 'postprocess');
  checkThreshold(post?.threshold, labels, problems);
  v.nonNegativeInt(post, 'min_region_bp', 'postprocess.');
  v.nonNegativeInt(post, 'merge_gap_bp', 'postprocess.');
  v.nonNegativeInt(post, 'top_n', 'postprocess.');
  if (post && post.stitch !== 'crop' && post.stitch !== 'blend') problems.push('postprocess.stitch must be "crop" or "blend"');
  const fallback = post?.fallback_threshold;
  if (fallback !== undefined && !(typeof fallback === 'number' && fallback > 0 && fallback < 1)) problems.push('postprocess.fallback_threshold must be a number in (0, 1)');

  const output = v.object(m?.output, 'output');
  v.string(output, 'probabilities', 'output.');
  if (output && output.ranges !== undefined) v.string(output, 'ranges', 'output.');
  if (post?.refine_with_ranges !== undefined && typeof post.refine_with_ranges !== 'boolean') problems.push('postprocess.refine_with_ranges must be a boolean');
  if (post?.refine_with_ranges && !output?.ranges) problems.push('postprocess.refine_with_ranges needs output.ranges');
  const byPeriod = post?.refine_with_period === undefined ? undefined : v.object(post.refine_with_period, 'postprocess.refine_with_period');
  if (byPeriod) {
    const names = kind === 'tracks' && Array.isArray(input?.tracks) ? input.tracks.map((t: { name?: unknown }) => t?.name) : [];
    if (!TANDEM_TRACKS.every((n) => names.includes(n))) problems.push(`postprocess.refine_with_period needs input tracks ${TANDEM_TRACKS.join(' and ')}`);
    v.number(byPeriod, 'min_share', 'postprocess.refine_with_period.');
    v.number(byPeriod, 'period_tolerance', 'postprocess.refine_with_period.');
    v.nonNegativeInt(byPeriod, 'merge_gap_bp', 'postprocess.refine_with_period.');
    if (byPeriod.edge_share !== undefined) v.number(byPeriod, 'edge_share', 'postprocess.refine_with_period.');
    if (byPeriod.edge_trim_bp !== undefined) v.nonNegativeInt(byPeriod, 'edge_trim_bp', 'postprocess.refine_with_period.');
  }
  if (post?.choose_by_shared_period !== undefined) {
    if (typeof post.choose_by_shared_period !== 'boolean') problems.push('postprocess.choose_by_shared_period must be a boolean');
    else if (post.choose_by_shared_period && (!byPeriod || post.top_n !== 1)) problems.push('postprocess.choose_by_shared_period needs postprocess.refine_with_period and top_n 1');
  }
  const layout = kind === 'tracks' && Array.isArray(input?.tracks) ? input.tracks.filter((t: { source?: unknown }) => t?.source === 'layout').length : 0;
  if (layout !== 0 && layout !== LAYOUT_TRACKS.length) problems.push(`input.tracks: a model takes both layout tracks (${LAYOUT_TRACKS.join(', ')}) or neither`);
  if (layout && output?.ranges) problems.push('output.ranges cannot be combined with layout tracks (a range head\'s convolutions see across packed contigs)');
  if (input?.reverse_complement_average && output?.ranges) problems.push('input.reverse_complement_average cannot be combined with output.ranges (a flipped range head swaps start and end)');

  const test = v.object(m?.test, 'test');
  const expected = v.array(test, 'expected', 'test.');
  if (expected && labels && expected.length !== labels.length) problems.push('test.expected must have one row per label');
  v.number(test, 'atol', 'test.');
  if (kind === 'sequence' && typeof test?.sequence !== 'string') problems.push('test.sequence must be a string for a sequence model');
  if (kind === 'tracks' && (typeof test?.tracks !== 'object' || test.tracks === null)) problems.push('test.tracks must be an object for a track model');

  if (problems.length > 0) {
    throw new ModelError('manifest_invalid', `invalid manifest ${where}: ${problems.join('; ')}`);
  }
  return raw as Manifest;
}

/** A number in [0, 1], or an object giving exactly one such number per label. */
function checkThreshold(t: unknown, labels: unknown[] | undefined, problems: string[]): void {
  const ok = (x: unknown) => typeof x === 'number' && x >= 0 && x <= 1;
  if (typeof t === 'object' && t !== null && !Array.isArray(t)) {
    const given = Object.keys(t);
    const names = (labels ?? []).filter((l): l is string => typeof l === 'string');
    for (const l of names) if (!ok((t as Record<string, unknown>)[l])) problems.push(`postprocess.threshold.${l} must be a number within [0, 1]`);
    for (const k of given) if (!names.includes(k)) problems.push(`postprocess.threshold.${k} is not a label`);
  } else if (!ok(t)) {
    problems.push('postprocess.threshold must be a number within [0, 1] or an object with one per label');
  }
}

/** The cut-off for one label. */
export function labelThreshold(post: Postprocess, label: string): number {
  return typeof post.threshold === 'number' ? post.threshold : post.threshold[label]!;
}

type Obj = Record<string, unknown> | undefined;

/** Tiny structural checker: records a problem and returns undefined on a mismatch. */
class Checker {
  constructor(private readonly problems: string[]) {}
  object(value: unknown, path: string): Record<string, any> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, any>;
    this.problems.push(`${path} must be an object`);
    return undefined;
  }
  private field<T>(o: Obj, key: string, prefix: string, ok: (x: unknown) => boolean, what: string): T | undefined {
    if (!o) return undefined;
    const x = o[key];
    if (ok(x)) return x as T;
    this.problems.push(`${prefix}${key} must be ${what}`);
    return undefined;
  }
  string(o: Obj, key: string, prefix = ''): string | undefined {
    return this.field<string>(o, key, prefix, (x) => typeof x === 'string' && x.length > 0, 'a non-empty string');
  }
  number(o: Obj, key: string, prefix = ''): number | undefined {
    return this.field<number>(o, key, prefix, (x) => typeof x === 'number' && Number.isFinite(x), 'a number');
  }
  positiveInt(o: Obj, key: string, prefix = ''): number | undefined {
    return this.field<number>(o, key, prefix, (x) => Number.isInteger(x) && (x as number) > 0, 'a positive integer');
  }
  nonNegativeInt(o: Obj, key: string, prefix = ''): number | undefined {
    return this.field<number>(o, key, prefix, (x) => Number.isInteger(x) && (x as number) >= 0, 'a non-negative integer');
  }
  optionalNonNegativeInt(o: Obj, key: string, prefix = ''): number | undefined {
    return o?.[key] === undefined ? undefined : this.nonNegativeInt(o, key, prefix);
  }
  array(o: Obj, key: string, prefix = ''): unknown[] | undefined {
    return this.field<unknown[]>(o, key, prefix, Array.isArray, 'an array');
  }
}
