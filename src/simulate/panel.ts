import { join } from 'node:path';
import type { Bp } from '../genome.js';
import { UsageError } from '../errors.js';
import { AtomicFile } from '../writers/atomicFile.js';
import { GenomeFiles, chromosomeTruth, type TruthFeature } from './genomeFiles.js';
import { MAX_INDEL_BP, drawVariety, planVarietyChromosome, type Variety, type VarietyChromosome } from './panelVariety.js';
import { riceBase } from './riceGenome.js';
import type { ChromosomePlan, RiceOptions } from './riceLayout.js';
import { GrowableBytes, SMALL_SPACING_BP, applyVariants, type VariantCounts } from './sequenceVariants.js';

/**
 * A panel of varieties derived from one base rice-like genome (the one `simulate` writes for
 * the same seed, scale and chromosomes):
 *   DIR/manifest.tsv            variety, fasta (relative to DIR) and a few metadata columns
 *   DIR/<variety>/              the files of a simulated genome (genome.fa + .fai, centromeres,
 *                               decoys, repeats and gaps BEDs, params.json), in the variety's
 *                               own coordinates; params.json says what was varied
 * Chromosome by chromosome, the base chromosome is synthesized once into a reused buffer and
 * each variety derived from it in one streaming pass (up to BATCH varieties at a time, to keep
 * the number of open files bounded), so memory is a few chromosomes' worth whatever the panel.
 * Every file is atomic; manifest.tsv is written last.
 */
export interface PanelOptions extends RiceOptions {
  varieties: number;
}

export const MAX_VARIETIES = 9999;
const BATCH = 32;
export const MANIFEST_COLUMNS = ['variety', 'fasta', 'snps', 'indels', 'decoys_lost', 'centromere_bp_change', 'centromere_shift_bp'] as const;

export interface PanelSummary {
  varieties: number;
  chromosomes: number;
  bases: Bp;
  snps: number;
  indels: number;
}

/** V1…V9, V01…V24, V001…V100: zero-padded to the width of the panel size. */
export function varietyNames(n: number): string[] {
  const width = String(n).length;
  return Array.from({ length: n }, (_, i) => `V${String(i + 1).padStart(width, '0')}`);
}

/** One chromosome of a variety's params.json: what was changed, in base and variety coordinates. */
export interface ChromosomeRecord {
  name: string;
  baseLengthBp: Bp;
  lengthBp: Bp;
  snps: number;
  indels: number;
  centromere: { baseStartBp: Bp; baseEndBp: Bp; startBp: Bp; endBp: Bp; arrayBpChange: Bp; shiftBp: Bp };
  decoys: { kind: string; baseStartBp: Bp; baseEndBp: Bp; present: boolean }[];
  edits: { cause: string; baseStartBp: Bp; baseEndBp: Bp; insertedBp: Bp }[];
}

/** One variety's open output files and what its params.json will say. */
class VarietyFiles {
  readonly chromosomes: ChromosomeRecord[] = [];
  private constructor(
    readonly variety: Variety,
    private readonly options: RiceOptions,
    private readonly files: GenomeFiles,
  ) {}

  static async create(dir: string, variety: Variety, options: RiceOptions): Promise<VarietyFiles> {
    return new VarietyFiles(variety, options, await GenomeFiles.create(join(dir, variety.name)));
  }

  /** One chromosome: the variety's sequence, and the base's truth carried over through the variants' coordinate map. */
  async write(plan: ChromosomePlan, derived: VarietyChromosome, variants: VariantCounts, seq: Uint8Array, familyNames: string[]): Promise<void> {
    const c = plan.centromere;
    const kept = plan.decoys.filter((d) => !derived.lostDecoys.includes(d));
    const base = chromosomeTruth(plan, familyNames, kept);
    const moveAll = (features: TruthFeature[]) =>
      features.flatMap((f) => {
        const at = variants.map.interval(f);
        return at ? [{ ...f, startBp: at.startBp, endBp: at.endBp }] : [];
      });
    const description = `simulated rice-like variety ${this.variety.name} (genomeinfer simulate --panel, base seed ${this.options.seed}, scale ${this.options.scale})`;
    await this.files.addChromosome(plan.name, description, seq, {
      centromeres: moveAll(base.centromeres),
      decoys: moveAll(base.decoys),
      repeats: moveAll(base.repeats),
      gaps: moveAll(base.gaps),
    });

    const moved = variants.map.interval(c)!;
    this.chromosomes.push({
      name: plan.name,
      baseLengthBp: plan.lengthBp,
      lengthBp: seq.length,
      snps: variants.snps,
      indels: variants.indels,
      centromere: {
        baseStartBp: c.startBp,
        baseEndBp: c.endBp,
        startBp: moved.startBp,
        endBp: moved.endBp,
        arrayBpChange: moved.endBp - moved.startBp - (c.endBp - c.startBp),
        shiftBp: Math.round((moved.startBp + moved.endBp - c.startBp - c.endBp) / 2),
      },
      decoys: plan.decoys.map((d) => ({ kind: d.kind, baseStartBp: d.startBp, baseEndBp: d.endBp, present: kept.includes(d) })),
      edits: derived.edits.map((e) => ({ cause: e.cause, baseStartBp: e.startBp, baseEndBp: e.endBp, insertedBp: e.bases?.length ?? 0 })),
    });
  }

  async commit(): Promise<void> {
    const { variety: v, options } = this;
    const sum = (key: 'snps' | 'indels') => this.chromosomes.reduce((s, c) => s + c[key], 0);
    await this.files.commit({
      generator: 'genomeinfer simulate --panel (a variety of the rice-like genome)',
      variety: v.name,
      index: v.index,
      base: {
        seed: options.seed,
        scale: options.scale,
        chromosomes: options.chromosomes,
        case: options.satelliteCase ?? 'mixed',
        command: `genomeinfer simulate --seed ${options.seed} --scale ${options.scale} --chromosomes ${options.chromosomes}` + (options.satelliteCase && options.satelliteCase !== 'mixed' ? ` --case ${options.satelliteCase}` : ''),
      },
      varied: { snpRate: v.snpRate, indelRate: v.indelRate, maxIndelBp: MAX_INDEL_BP, minVariantSpacingBp: SMALL_SPACING_BP, decoyLossProbability: v.decoyLossProbability },
      snps: sum('snps'),
      indels: sum('indels'),
      chromosomes: this.chromosomes,
    });
  }

  abort(): Promise<void> {
    return this.files.abort();
  }

  manifestRow(): string {
    const sum = (f: (c: ChromosomeRecord) => number) => this.chromosomes.reduce((s, c) => s + f(c), 0);
    const meanShift = Math.round(sum((c) => Math.abs(c.centromere.shiftBp)) / this.chromosomes.length);
    const values = [
      this.variety.name,
      `${this.variety.name}/genome.fa`,
      sum((c) => c.snps),
      sum((c) => c.indels),
      sum((c) => c.decoys.filter((d) => !d.present).length),
      sum((c) => c.centromere.arrayBpChange),
      meanShift,
    ];
    return `${values.join('\t')}\n`;
  }
}

export async function writePanel(dir: string, options: PanelOptions): Promise<PanelSummary> {
  const base = riceBase(options);
  if (!Number.isInteger(options.varieties) || options.varieties < 1 || options.varieties > MAX_VARIETIES) {
    throw new UsageError(`--panel must be 1…${MAX_VARIETIES} varieties, not '${options.varieties}'`);
  }
  const out = new GrowableBytes();
  const varieties = varietyNames(options.varieties).map((name, i) => drawVariety(options.seed, i + 1, name));
  const summary: PanelSummary = { varieties: varieties.length, chromosomes: base.chromosomes, bases: 0, snps: 0, indels: 0 };
  const manifest = await AtomicFile.create(join(dir, 'manifest.tsv'));
  let open: VarietyFiles[] = [];
  try {
    await manifest.write(`${MANIFEST_COLUMNS.join('\t')}\n`);
    for (let b = 0; b < varieties.length; b += BATCH) {
      for (const v of varieties.slice(b, b + BATCH)) open.push(await VarietyFiles.create(dir, v, options));
      for (let i = 0; i < base.chromosomes; i++) {
        const { plan, seq } = base.chromosome(i);
        for (const files of open) {
          const derived = planVarietyChromosome(files.variety, options.seed, plan, seq, base.params);
          const variants = applyVariants(seq, derived.edits, derived.smallVariants, derived.random, out);
          await files.write(plan, derived, variants, out.view(), base.familyNames);
          summary.bases += variants.lengthBp;
          summary.snps += variants.snps;
          summary.indels += variants.indels;
        }
      }
      for (const files of open) await files.commit();
      for (const files of open) await manifest.write(files.manifestRow());
      open = [];
    }
    await manifest.commit();
  } catch (err) {
    await Promise.all(open.map((f) => f.abort()));
    await manifest.abort();
    throw err;
  }
  return summary;
}
