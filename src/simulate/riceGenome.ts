import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bp } from '../genome.js';
import { AtomicFile } from '../writers/atomicFile.js';
import { FastaWriter, bed6 } from './fastaWriter.js';
import { buildGenomeSequences, synthesizeChromosome } from './chromosomeSynth.js';
import { drawGenomeParams } from './genomeParams.js';
import { IRGSP_CHROMOSOMES, checkRiceOptions, describeChromosome, planChromosome, type ChromosomePlan, type RiceOptions } from './riceLayout.js';

/**
 * Writes a rice-like genome and its truth into a directory:
 *   genome.fa, genome.fa.fai   60-bp lines, soft-masked repeats, N gaps
 *   centromeres.bed            one CentO array per chromosome (BED6, name `centromere`)
 *   decoys.bed                 tandem arrays that are not centromeres (subtelomeric_satellite, rDNA_5S, rDNA_45S)
 *   repeats.bed                TE copies (name = family, score = divergence in ‰, strand = orientation)
 *   gaps.bed                   assembly gaps (runs of N)
 *   params.json                the drawn parameters and each chromosome's layout
 * Chromosome by chromosome: plan, synthesize into one reused buffer, write. Every file is
 * written under a temporary name and renamed into place only when all are complete.
 */
export const RICE_FILES = ['genome.fa', 'genome.fa.fai', 'centromeres.bed', 'decoys.bed', 'repeats.bed', 'gaps.bed', 'params.json'] as const;

export interface RiceGenomeSummary {
  chromosomes: number;
  bases: Bp;
  monomerBp: Bp;
  decoys: number;
  teCopies: number;
  gaps: number;
}

function repeatLines(plan: ChromosomePlan, familyNames: string[]): string {
  // CRR copies lie inside the centromere, dispersed copies outside it: merge by start.
  const copies = [...plan.centromere.crrCopies, ...plan.teCopies].sort((a, b) => a.startBp - b.startBp);
  return copies.map((c) => bed6(plan.name, c.startBp, c.startBp + c.lengthBp, familyNames[c.family]!, Math.round(c.divergence * 1000), c.strand)).join('');
}

export async function writeRiceGenome(dir: string, options: RiceOptions): Promise<RiceGenomeSummary> {
  checkRiceOptions(options);
  await mkdir(dir, { recursive: true });
  const params = drawGenomeParams(options.seed);
  const sequences = buildGenomeSequences(params, options.seed);
  const familyNames = params.transposons.families.map((f) => f.name);
  const kept = IRGSP_CHROMOSOMES.slice(0, options.chromosomes);
  const buffer = new Uint8Array(Math.max(...kept.map((c) => Math.round(c.length * options.scale))));

  const fasta = await FastaWriter.create(join(dir, 'genome.fa'));
  const text = await Promise.all(RICE_FILES.slice(1).map((f) => AtomicFile.create(join(dir, f))));
  const [faiFile, centromereFile, decoyFile, repeatFile, gapFile, paramsFile] = text as [AtomicFile, AtomicFile, AtomicFile, AtomicFile, AtomicFile, AtomicFile];
  const summary: RiceGenomeSummary = { chromosomes: kept.length, bases: 0, monomerBp: params.centO.monomerBp, decoys: 0, teCopies: 0, gaps: 0 };
  const described: ReturnType<typeof describeChromosome>[] = [];
  try {
    for (let i = 0; i < kept.length; i++) {
      const plan = planChromosome(params, options, i);
      const seq = buffer.subarray(0, plan.lengthBp);
      synthesizeChromosome(seq, plan, params, sequences, options.seed);
      await faiFile.write(await fasta.write(plan.name, `simulated rice-like chromosome (genomeinfer, seed ${options.seed}, scale ${options.scale})`, seq));
      const c = plan.centromere;
      await centromereFile.write(bed6(plan.name, c.startBp, c.endBp, 'centromere', 1000, '.'));
      await decoyFile.write(plan.decoys.map((d) => bed6(plan.name, d.startBp, d.endBp, d.kind, 0, '.')).join(''));
      await repeatFile.write(repeatLines(plan, familyNames));
      await gapFile.write(plan.gaps.map((g) => bed6(plan.name, g.startBp, g.endBp, 'gap', 0, '.')).join(''));
      described.push(describeChromosome(plan, params));
      summary.bases += plan.lengthBp;
      summary.decoys += plan.decoys.length;
      summary.teCopies += plan.teCopies.length + c.crrCopies.length;
      summary.gaps += plan.gaps.length;
    }
    const json = { generator: 'genomeinfer simulate (rice-like)', seed: options.seed, scale: options.scale, chromosomes: kept.length, params, layout: described };
    await paramsFile.write(`${JSON.stringify(json, null, 2)}\n`);
    await fasta.commit();
    for (const f of text) await f.commit();
  } catch (err) {
    await fasta.abort();
    await Promise.all(text.map((f) => f.abort()));
    throw err;
  }
  return summary;
}
