import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EXAMPLE_CHROMOSOMES, writeExampleGenome } from '../examples/exampleGenome.js';
import type { Chromosome } from '../genome.js';
import { UsageError } from '../errors.js';
import { IRGSP_CHROMOSOMES, MIN_CHROMOSOME_BP } from '../simulate/riceLayout.js';
import { writeRiceGenome } from '../simulate/riceGenome.js';
import { SATELLITE_CASES, isSatelliteCase } from '../simulate/satelliteCases.js';
import { MANIFEST_COLUMNS, MAX_VARIETIES, writePanel } from '../simulate/panel.js';
import { MAX_INDEL_BP } from '../simulate/panelVariety.js';
import { writeEpigenome } from '../simulate/epigenomeGenome.js';
import { parseCommandArgs, positiveInt } from './args.js';

export const SIMULATE_HELP = `usage: genomeinfer simulate --out DIR [--seed N] [--scale F] [--chromosomes N] [--case NAME]
       genomeinfer simulate --panel N --out DIR [--seed N] [--scale F] [--chromosomes N] [--case NAME]
       genomeinfer simulate --epigenome --out DIR [--seed N] [--chromosomes N] [--chromosome-bp N]
       genomeinfer simulate --example --out DIR [--chromosomes NAME:BP,…] [--seed N]

Without --example: a rice-like genome for training and evaluating centromere models, with
its truth. DIR receives genome.fa + genome.fa.fai (60-bp lines), centromeres.bed (one
satellite array per chromosome, its full span with the CRR insertions inside it),
decoys.bed (every tandem array that is not a centromere: subtelomeric_satellite, rDNA_5S,
rDNA_45S), repeats.bed (TE copies, name = family; CRR copies inside the arrays too),
gaps.bed (runs of N) and params.json (the case, the parameters drawn from the seed, the
layout, and \`rows\`: which rows of the centromere test table the genome shows). BEDs are
BED6, 0-based half-open, sorted in FASTA order; TE copies and tandem arrays are soft-masked.
  --seed N          1…4294967295 (default 1); the same seed and options give identical files
  --scale F         0 < F ≤ 1 multiplies chromosome lengths (default 1: the IRGSP-1.0
                    lengths, 373 Mb); each chromosome must stay ≥ ${MIN_CHROMOSOME_BP} bp. Tandem
                    arrays keep real sizes, capped at 1/4 (centromere) or 1/10 (decoys) of it
  --chromosomes N   keep the first N of chr1…chr${IRGSP_CHROMOSOMES.length} (default ${IRGSP_CHROMOSOMES.length})
  --case NAME       the centromere and decoys to draw (default mixed):
                    mixed         every parameter from the wide ranges below, so cases combine:
                                  monomer 100–400 bp (5%: 401–1000), per-copy divergence 1–15%,
                                  HORs of 2–6 monomers in 60% of genomes (dimers too), CRR-rich
                                  arrays (40–60% CRR) in 25%, 1–4 5S loci of 20–700 kb
                    cento         rice CentO: 155-bp monomer, HORs with dimers, 1–6% divergence,
                                  a CRR every few tens of kb
                    diverged      150–200-bp monomer, 8–15% per-copy divergence, no HOR
                    rdna-decoy    5S rDNA (500-bp unit, 0.4–0.6% divergence, 0.3–0.7 Mb) on 1–3
                                  chromosomes, each larger and more homogeneous than every centromere
                    crr-rich      CRR makes up 40–60% of every array
                    long-monomer  300–400-bp monomer
                    Each chromosome carries its own variant of the genome's monomer (2–5% apart).
                    Every genome has 1–2 45S NORs (7.5–10.5-kb unit with 254-bp sub-repeats,
                    0.5–3 Mb, usually at a chromosome end) and TA352-like subtelomeric arrays.
                    rDNA loci are drawn among all 12 chromosomes with mixed, so --chromosomes N
                    is a prefix of the full genome; with a forced case, among the N made.

With --panel N: N varieties (V01…V24 for N = 24: zero-padded to the width of N) derived from
that one genome. Each differs from it by SNPs (0.1–1% of bases), 1–${MAX_INDEL_BP}-bp indels (5–20% of
the SNP rate), lost decoy arrays, CentO arrays contracted (a stretch deleted) or expanded (whole
HORs duplicated) within the caps above, and arm indels that move them; all drawn from the seed
and the variety's number alone, so the k-th variety has the same sequence in any panel.
DIR/<variety>/ receives the files above in the variety's own coordinates; its params.json says
what was varied and, per chromosome, the counts, where the centromere went and the structural
edits (base coordinates). DIR/manifest.tsv lists the varieties (at most ${MAX_VARIETIES}), columns
${MANIFEST_COLUMNS.slice(0, 2).join(', ')} (relative to DIR), ${MANIFEST_COLUMNS.slice(2).join(', ')}
(summed array length change; mean distance the arrays' midpoints moved).

With --epigenome: a genome with genes and planted sequence rules that decide histone marks
(H3K4me3: activating motif in a GC-rich promoter; H3K9ac: those with a co-activator motif,
and enhancer motif clusters; H3K27me3: genes with a Polycomb-response-like motif cluster;
decoys that carry half of a rule stay unmarked), for training and evaluating the histone
model. DIR receives genome.fa + .fai, genes.bed (name = id:class), motifs.bed, per mark
<mark>.peaks.bed (truth after label noise) and <mark>.coverage.bedgraph (100-bp bins),
and params.json.
  --chromosomes N   chr1…chrN (default 4)     --chromosome-bp N   each one's length (default 4000000)

With --example: DIR/example.fa and DIR/example.fa.fai, the deterministic example genome
(GC ≈ 43%, CpG islands, motif clusters, soft-masked stretches, an N gap per chromosome).
Default chromosomes: ${EXAMPLE_CHROMOSOMES.map((c) => `${c.name}:${c.length}`).join(',')}.`;

export async function simulateCommand(argv: string[]): Promise<void> {
  const args = parseCommandArgs('simulate', argv, {
    example: { type: 'boolean' },
    epigenome: { type: 'boolean' },
    'chromosome-bp': { type: 'string' },
    out: { type: 'string' },
    chromosomes: { type: 'string' },
    seed: { type: 'string' },
    scale: { type: 'string' },
    panel: { type: 'string' },
    case: { type: 'string' },
  });
  if (!args.out) throw new UsageError('simulate: --out DIR is required');
  if (args.example && args.epigenome) throw new UsageError('simulate: --example and --epigenome are different genomes; pick one');
  if (args['chromosome-bp'] !== undefined && !args.epigenome) throw new UsageError('simulate: --chromosome-bp is for --epigenome');
  if (args.panel !== undefined && (args.example || args.epigenome)) throw new UsageError('simulate: --panel derives varieties of the rice-like genome, not of --example or --epigenome');
  if (args.case !== undefined && (args.example || args.epigenome)) throw new UsageError('simulate: --case is for the rice-like genome, not --example or --epigenome');
  if (args.epigenome) return simulateEpigenome(args.out, args);
  if (!args.example) return simulateRice(args.out, args);
  if (args.scale !== undefined) throw new UsageError('simulate: --scale is for the rice-like genome, not --example');
  const chromosomes: Chromosome[] = args.chromosomes
    ? args.chromosomes.split(',').map((spec) => {
        const [name, bp] = spec.split(':');
        const length = positiveInt(`--chromosomes ${name}`, bp);
        if (!name || !length) throw new UsageError(`--chromosomes wants NAME:BP,…, not '${spec}'`);
        return { name, length };
      })
    : EXAMPLE_CHROMOSOMES;
  await mkdir(args.out, { recursive: true });
  const path = join(args.out, 'example.fa');
  const bases = await writeExampleGenome(path, chromosomes, positiveInt('--seed', args.seed));
  process.stderr.write(`genomeinfer: wrote ${path} (+ .fai): ${chromosomes.length} chromosomes, ${(bases / 1e6).toFixed(2)} Mb\n`);
}

async function simulateRice(dir: string, args: { seed?: string; scale?: string; chromosomes?: string; panel?: string; case?: string }): Promise<void> {
  if (args.case !== undefined && !isSatelliteCase(args.case)) throw new UsageError(`--case must be one of ${SATELLITE_CASES.join(', ')}, not '${args.case}'`);
  const scale = args.scale === undefined ? 1 : Number(args.scale);
  if (args.scale !== undefined && (args.scale.trim() === '' || !Number.isFinite(scale))) throw new UsageError(`--scale must be a number in (0, 1], not '${args.scale}'`);
  if (args.chromosomes !== undefined && !/^\d+$/.test(args.chromosomes)) {
    throw new UsageError(`--chromosomes wants a count (1…${IRGSP_CHROMOSOMES.length}) for the rice-like genome, not '${args.chromosomes}' (NAME:BP lists are for --example)`);
  }
  const options = {
    seed: positiveInt('--seed', args.seed) ?? 1,
    scale,
    chromosomes: positiveInt('--chromosomes', args.chromosomes) ?? IRGSP_CHROMOSOMES.length,
    satelliteCase: args.case !== undefined && isSatelliteCase(args.case) ? args.case : 'mixed',
  };
  const started = performance.now();
  if (args.panel !== undefined) {
    const p = await writePanel(dir, { ...options, varieties: positiveInt('--panel', args.panel)! });
    process.stderr.write(
      `genomeinfer: wrote ${join(dir, 'manifest.tsv')} and ${p.varieties} varieties (genome.fa + .fai, centromeres/decoys/repeats/gaps BEDs, params.json each): ` +
        `${p.chromosomes} chromosomes, ${(p.bases / 1e6 / p.varieties).toFixed(2)} Mb per variety, ${p.snps} SNPs, ${p.indels} indels in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return;
  }
  const s = await writeRiceGenome(dir, options);
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `genomeinfer: wrote ${join(dir, 'genome.fa')} (+ .fai, centromeres/decoys/repeats/gaps BEDs, params.json): ` +
      `${s.chromosomes} chromosomes, ${(s.bases / 1e6).toFixed(2)} Mb, CentO monomer ${s.monomerBp} bp (case ${s.satelliteCase}), ` +
      `${s.decoys} decoy arrays, ${s.teCopies} TE copies, ${s.gaps} gaps in ${seconds.toFixed(1)} s\n`,
  );
}

async function simulateEpigenome(dir: string, args: { seed?: string; scale?: string; chromosomes?: string; 'chromosome-bp'?: string }): Promise<void> {
  if (args.scale !== undefined) throw new UsageError('simulate: --scale is for the rice-like genome, not --epigenome');
  const options = {
    seed: positiveInt('--seed', args.seed) ?? 1,
    chromosomes: positiveInt('--chromosomes', args.chromosomes) ?? 4,
    chromosomeBp: positiveInt('--chromosome-bp', args['chromosome-bp']) ?? 4_000_000,
  };
  const started = performance.now();
  const s = await writeEpigenome(dir, options);
  const peaks = Object.entries(s.peaks).map(([m, n]) => `${n} ${m}`).join(', ');
  process.stderr.write(
    `genomeinfer: wrote ${join(dir, 'genome.fa')} (+ .fai, genes, motifs, per-mark peaks and coverage): ${s.chromosomes} chromosomes, ` +
      `${(s.bases / 1e6).toFixed(2)} Mb, ${s.genes} genes, peaks: ${peaks} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
