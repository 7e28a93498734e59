import type { Variant } from '@gmod/vcf';
import type { Chromosome } from '../genome.js';
import { InputError } from '../errors.js';
import { N_BYTE } from '../encoding/onehot.js';
import type { InferenceEngine, SegmentOutput } from '../inference/engine.js';
import type { LoadedModel } from '../models/repository.js';
import { checkVcfContigs } from '../readers/contigNames.js';
import type { IndexedFastaSource } from '../readers/fastaSource.js';
import { altBytes, checkRefAllele } from '../readers/varietyLoader.js';
import type { VcfFile } from '../readers/vcfFile.js';
import { coreOffsetBins, planSegments, type Segment } from '../segmenting/segmenter.js';

/**
 * Per-variant effect scores: for each ALT allele, the change in each label's probability
 * between the REF window (the reference around the variant) and the ALT window (the same
 * window with the allele applied), through the engine that predicts genomes:
 *   maxAbs[label][alt]  max |P_ALT − P_REF| over the bins the variant reaches;
 *   delta[label][alt]   P_ALT − P_REF of the variant's own bin (the bin holding POS).
 * The window is the segment of the model's usual segmentation whose core holds the variant
 * (so the REF side is exactly what `predict` computes, one pass per segment shared by all
 * its variants); the bins the variant reaches are that core's. An indel gets two ALT
 * windows, one keeping the bases before it in place and one those after it, so every bin is
 * compared at the bin phase the REF window had (see `window` below).
 */
export interface VariantScore {
  variant: Variant;
  /** [label][alt]; NaN for an ALT that is not scored (symbolic, breakend, '*'). */
  maxAbs: number[][];
  delta: number[][];
}

export interface EffectRunOptions {
  /** Only records where this VCF column carries a non-REF allele (GT). */
  sampleColumn?: number;
  signal?: AbortSignal;
  onProgress?: (variants: number) => void;
}

/** Yields every scored record in VCF order, chromosome by chromosome (reference order). */
export async function* scoreVariants(
  engine: InferenceEngine,
  model: LoadedModel,
  reference: IndexedFastaSource,
  vcf: VcfFile,
  options: EffectRunOptions = {},
): AsyncGenerator<VariantScore> {
  if (model.manifest.input.kind !== 'sequence') {
    throw new InputError('effects_model_unsupported', `effects needs a sequence model; ${model.key} reads tracks`);
  }
  const withoutVariants = checkVcfContigs(vcf.contigs, reference.chromosomes.map((c) => c.name), vcf.path, reference.path);
  let done = 0;
  for (const chrom of reference.chromosomes) {
    if (withoutVariants.includes(chrom.name) || chrom.length === 0) continue;
    let lastPos = -1;
    let lastWhere = '';
    for (const segment of planSegments(chrom, model.geometry)) {
      if (options.signal?.aborted) throw new InputError('cancelled', 'effects cancelled');
      const records: Variant[] = [];
      await vcf.records(chrom.name, segment.coreStart, segment.coreEnd, (v) => {
        const where = `${chrom.name}:${v.POS}`;
        if (v.POS - 1 < lastPos) {
          throw new InputError('vcf_unsorted', `${vcf.path} is not sorted: the record at ${where} comes after ${lastWhere}; sort and re-index it with: bcftools sort -Oz -o sorted.vcf.gz ${vcf.path} && bcftools index -t sorted.vcf.gz`);
        }
        lastPos = v.POS - 1;
        lastWhere = where;
        if (options.sampleColumn === undefined || carriesAlt(v, options.sampleColumn)) records.push(v);
      });
      if (records.length === 0) continue;
      yield* scoreSegment(engine, model, reference, vcf, chrom, segment, records);
      done += records.length;
      options.onProgress?.(done);
    }
  }
}

/** Whether the sample's GT names any allele other than REF. */
function carriesAlt(v: Variant, column: number): boolean {
  let alt = false;
  v.processGenotypes((str, s, e, c) => {
    if (c !== column) return;
    let allele = -1;
    for (let i = s; i <= e; i++) {
      const ch = i < e ? str.charCodeAt(i) : 0x3a;
      if (ch >= 0x30 && ch <= 0x39) {
        allele = (allele < 0 ? 0 : allele * 10) + ch - 0x30;
        continue;
      }
      if (allele > 0) alt = true;
      allele = -1;
      if (ch === 0x3a) break; // ':' ends GT
    }
  });
  return alt;
}

async function* scoreSegment(
  engine: InferenceEngine,
  model: LoadedModel,
  reference: IndexedFastaSource,
  vcf: VcfFile,
  chrom: Chromosome,
  segment: Segment,
  records: Variant[],
): AsyncGenerator<VariantScore> {
  const { binBp } = model.geometry;
  const inputBp = segment.inputEnd - segment.inputStart;
  // Reference bases from the window's start to past its end by the longest REF: enough for any ALT window.
  const slack = Math.max(...records.map((r) => (r.REF ?? '').length));
  const from = Math.max(0, segment.inputStart - slack);
  const to = Math.min(chrom.length, segment.inputEnd + slack);
  const ref = await reference.read(chrom.name, from, to);
  /**
   * The window with `alt` in place of reference [pos0, pos0 + refLength). Anchored left, the
   * bases before the variant sit where they sit in the REF window; anchored right (indels
   * only), the bases after it do: each side's bins are compared at the phase the model binned
   * the REF window in, so a score measures the allele, not a shift of the 100-bp bin grid.
   */
  const window = (edit?: { pos0: number; refLength: number; alt: Uint8Array }, anchor: 'left' | 'right' = 'left') => {
    const bases = engine.segmentBases(inputBp).fill(N_BYTE);
    let at = 0;
    const copyRef = (start: number, end: number) => {
      // Reference positions [start, end) into the window; outside the chromosome stays N.
      for (let p = start; p < end && at < inputBp; p++, at++) if (p >= 0 && p < chrom.length) bases[at] = ref[p - from]!;
    };
    if (!edit) copyRef(segment.inputStart, segment.inputEnd);
    else {
      const shift = anchor === 'right' ? edit.alt.length - edit.refLength : 0;
      copyRef(segment.inputStart + shift, edit.pos0);
      for (let i = 0; i < edit.alt.length && at < inputBp; i++, at++) bases[at] = edit.alt[i]!;
      copyRef(edit.pos0 + edit.refLength, edit.pos0 + edit.refLength + inputBp);
    }
    return bases;
  };
  const run = async (bases: Uint8Array): Promise<SegmentOutput> => {
    await engine.slots.acquire();
    try {
      return await engine.run(model, { kind: 'sequence', bases });
    } finally {
      engine.slots.release();
    }
  };
  const refOut = run(window());
  const alts = records.map((v) => {
    const pos0 = v.POS - 1;
    const where = `${chrom.name}:${v.POS}`;
    const refAllele = v.REF ?? '';
    if (pos0 + refAllele.length > chrom.length) throw new InputError('vcf_record_invalid', `${vcf.path}: the record at ${where} lies past the end of ${chrom.name}`);
    checkRefAllele(refAllele, ref.subarray(pos0 - from, pos0 - from + refAllele.length), vcf.path, reference.path, where);
    return (v.ALT ?? []).map((a) => {
      const alt = altBytes(a, false, vcf.path, where);
      if (!alt) return undefined;
      const edit = { pos0, refLength: refAllele.length, alt };
      const left = run(window(edit));
      return { left, right: alt.length === refAllele.length ? left : run(window(edit, 'right')) };
    });
  });
  // Every window of the segment is submitted before any is awaited, so they share batches.
  const refProbs = await refOut;
  const labels = model.manifest.labels.length;
  const core = coreOffsetBins(segment, binBp);
  const coreBins = segment.coreBins;
  for (const [r, v] of records.entries()) {
    const own = core + Math.floor((v.POS - 1 - segment.coreStart) / binBp);
    const maxAbs: number[][] = Array.from({ length: labels }, () => []);
    const delta: number[][] = Array.from({ length: labels }, () => []);
    for (const pending of alts[r]!) {
      const left = pending ? await pending.left : undefined;
      const right = pending ? await pending.right : undefined;
      for (let l = 0; l < labels; l++) {
        if (!left || !right) {
          maxAbs[l]!.push(NaN);
          delta[l]!.push(NaN);
          continue;
        }
        const base = l * refProbs.bins;
        let max = 0;
        // Up to the variant's own bin from the left-anchored window, after it from the right-anchored one.
        for (let b = core; b < core + coreBins; b++) max = Math.max(max, Math.abs((b <= own ? left : right).probs[base + b]! - refProbs.probs[base + b]!));
        maxAbs[l]!.push(max);
        delta[l]!.push(left.probs[base + own]! - refProbs.probs[base + own]!);
      }
    }
    yield { variant: v, maxAbs, delta };
  }
}
