import { mkdir } from 'node:fs/promises';
import type { Bp } from '../genome.js';
import { buildGenomeSequences, synthesizeChromosome } from './chromosomeSynth.js';
import { GenomeFiles, chromosomeTruth } from './genomeFiles.js';
import type { GenomeParams } from './genomeParams.js';
import { issueRows } from './issueRows.js';
import { IRGSP_CHROMOSOMES, checkRiceOptions, describeChromosome, planChromosome, riceParams, type ChromosomePlan, type RiceOptions } from './riceLayout.js';

export interface RiceGenomeSummary {
  chromosomes: number;
  bases: Bp;
  monomerBp: Bp;
  satelliteCase: string;
  decoys: number;
  teCopies: number;
  gaps: number;
}

/** The base genome of a seed and options: its parameters, and its chromosomes made one at a time. */
export interface RiceBase {
  params: GenomeParams;
  familyNames: string[];
  chromosomes: number;
  /** Chromosome i planned and synthesized into a buffer shared by all calls (valid until the next). */
  chromosome(i: number): { plan: ChromosomePlan; seq: Uint8Array };
}

export function riceBase(options: RiceOptions): RiceBase {
  checkRiceOptions(options);
  const params = riceParams(options);
  const sequences = buildGenomeSequences(params, options.seed);
  const kept = IRGSP_CHROMOSOMES.slice(0, options.chromosomes);
  const buffer = new Uint8Array(Math.max(...kept.map((c) => Math.round(c.length * options.scale))));
  return {
    params,
    familyNames: params.transposons.families.map((f) => f.name),
    chromosomes: kept.length,
    chromosome(i) {
      const plan = planChromosome(params, options, i);
      const seq = buffer.subarray(0, plan.lengthBp);
      synthesizeChromosome(seq, plan, params, sequences, options.seed);
      return { plan, seq };
    },
  };
}

/**
 * Writes a rice-like genome and its truth into a directory (RICE_FILES, see genomeFiles.ts):
 * chromosome by chromosome, plan, synthesize into one reused buffer, write. Every file is
 * written under a temporary name and renamed into place only when all are complete.
 */
export async function writeRiceGenome(dir: string, options: RiceOptions): Promise<RiceGenomeSummary> {
  const base = riceBase(options);
  const { params } = base;
  await mkdir(dir, { recursive: true });
  const files = await GenomeFiles.create(dir);
  const summary: RiceGenomeSummary = { chromosomes: base.chromosomes, bases: 0, monomerBp: params.centO.monomerBp, satelliteCase: params.centO.case, decoys: 0, teCopies: 0, gaps: 0 };
  const described: ReturnType<typeof describeChromosome>[] = [];
  const plans: ChromosomePlan[] = [];
  try {
    for (let i = 0; i < base.chromosomes; i++) {
      const { plan, seq } = base.chromosome(i);
      const description = `simulated rice-like chromosome (genomeinfer, seed ${options.seed}, scale ${options.scale})`;
      await files.addChromosome(plan.name, description, seq, chromosomeTruth(plan, base.familyNames));
      described.push(describeChromosome(plan, params));
      plans.push({ ...plan, teCopies: [] });
      summary.bases += plan.lengthBp;
      summary.decoys += plan.decoys.length;
      summary.teCopies += plan.teCopies.length + plan.centromere.crrCopies.length;
      summary.gaps += plan.gaps.length;
    }
    await files.commit({
      generator: 'genomeinfer simulate (rice-like)',
      seed: options.seed,
      scale: options.scale,
      chromosomes: base.chromosomes,
      case: params.centO.case,
      rows: issueRows(params, plans),
      params,
      layout: described,
    });
  } catch (err) {
    await files.abort();
    throw err;
  }
  return summary;
}
