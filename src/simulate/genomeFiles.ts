import { join } from 'node:path';
import { AtomicFile } from '../writers/atomicFile.js';
import { FastaWriter, bed6 } from './fastaWriter.js';
import type { ChromosomePlan, Interval } from './riceLayout.js';

/**
 * The files of one simulated rice-like genome, the same for `simulate` and each variety of
 * `simulate --panel`:
 *   genome.fa, genome.fa.fai   60-bp lines, soft-masked repeats, N gaps
 *   centromeres.bed            one CentO array per chromosome (BED6, name `centromere`)
 *   decoys.bed                 tandem arrays that are not centromeres (subtelomeric_satellite, rDNA_5S, rDNA_45S)
 *   repeats.bed                TE copies (name = family, score = divergence in ‰, strand = orientation)
 *   gaps.bed                   assembly gaps (runs of N)
 *   params.json                how the genome was made
 */
export const RICE_FILES = ['genome.fa', 'genome.fa.fai', 'centromeres.bed', 'decoys.bed', 'repeats.bed', 'gaps.bed', 'params.json'] as const;

/** A truth interval with its BED6 fields. */
export type TruthFeature = Interval & { name: string; score: number; strand: string };

/** One chromosome's truth, one list per BED file, each sorted by start. */
export interface ChromosomeTruth {
  centromeres: TruthFeature[];
  decoys: TruthFeature[];
  repeats: TruthFeature[];
  gaps: TruthFeature[];
}

/** A chromosome plan's truth in its own coordinates; `decoys` narrows the decoy arrays kept. */
export function chromosomeTruth(plan: ChromosomePlan, familyNames: readonly string[], decoys = plan.decoys): ChromosomeTruth {
  const c = plan.centromere;
  // CRR copies lie inside the centromere, dispersed copies outside it: merge by start.
  const copies = [...c.crrCopies, ...plan.teCopies].sort((a, b) => a.startBp - b.startBp);
  return {
    centromeres: [{ startBp: c.startBp, endBp: c.endBp, name: 'centromere', score: 1000, strand: '.' }],
    decoys: decoys.map((d) => ({ startBp: d.startBp, endBp: d.endBp, name: d.kind, score: 0, strand: '.' })),
    repeats: copies.map((t) => ({ startBp: t.startBp, endBp: t.startBp + t.lengthBp, name: familyNames[t.family]!, score: Math.round(t.divergence * 1000), strand: t.strand })),
    gaps: plan.gaps.map((g) => ({ startBp: g.startBp, endBp: g.endBp, name: 'gap', score: 0, strand: '.' })),
  };
}

/**
 * RICE_FILES being written, chromosome by chromosome, under temporary names: `commit` renames
 * them all into place, `abort` removes them.
 */
export class GenomeFiles {
  private constructor(
    private readonly fasta: FastaWriter,
    private readonly text: AtomicFile[],
  ) {}

  static async create(dir: string): Promise<GenomeFiles> {
    const fasta = await FastaWriter.create(join(dir, 'genome.fa'));
    try {
      return new GenomeFiles(fasta, await Promise.all(RICE_FILES.slice(1).map((f) => AtomicFile.create(join(dir, f)))));
    } catch (err) {
      await fasta.abort();
      throw err;
    }
  }

  async addChromosome(name: string, description: string, seq: Uint8Array, truth: ChromosomeTruth): Promise<void> {
    const [fai, centromeres, decoys, repeats, gaps] = this.text as [AtomicFile, AtomicFile, AtomicFile, AtomicFile, AtomicFile];
    const bed = (features: TruthFeature[]) => features.map((f) => bed6(name, f.startBp, f.endBp, f.name, f.score, f.strand)).join('');
    await fai.write(await this.fasta.write(name, description, seq));
    await centromeres.write(bed(truth.centromeres));
    await decoys.write(bed(truth.decoys));
    await repeats.write(bed(truth.repeats));
    await gaps.write(bed(truth.gaps));
  }

  /** Writes params.json and renames every file into place. */
  async commit(params: unknown): Promise<void> {
    await this.text[5]!.write(`${JSON.stringify(params, null, 2)}\n`);
    await this.fasta.commit();
    for (const f of this.text) await f.commit();
  }

  async abort(): Promise<void> {
    await this.fasta.abort();
    await Promise.all(this.text.map((f) => f.abort()));
  }
}

