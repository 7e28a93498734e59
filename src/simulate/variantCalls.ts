import type { Bp } from '../genome.js';
import { IndexedFastaSource, type FastaPaths } from '../readers/fastaSource.js';
import { AtomicFile } from '../writers/atomicFile.js';
import { Random } from './random.js';

/**
 * A multi-sample VCF (plain text, sorted; compress with bgzip and index with tabix) of
 * variants drawn on a reference FASTA, e.g. the base genome `simulate` writes for the seed
 * a `simulate --panel` derives its varieties from. It carries every case a variety built
 * from a VCF must handle, so it serves as the fixture for the checks against
 * `bcftools consensus`:
 *   - SNPs, insertions and deletions of 1–MAX_INDEL_BP bases (VCF-style, with the padding base);
 *   - multi-allelic sites (two SNP ALTs; a SNP ALT and a deletion ALT) with 1/1, 2/2 and 1/2;
 *   - heterozygous (0/1, 1|0), missing (./., .) and haploid genotypes;
 *   - a symbolic <DEL>, a breakend and an overlapping pair (a deletion and a SNP inside it) per chromosome;
 *   - a deletion and an insertion straddling each position in `edgesBp` (segment edges).
 */
export interface VariantCallOptions {
  seed: number;
  samples: readonly string[];
  /** Mean reference bases between sites. */
  spacingBp: Bp;
  /** Reference positions (0-based) that an indel must straddle, on every chromosome long enough. */
  edgesBp?: readonly Bp[];
  /** Only SNPs (single-base, bi-allelic): both coordinate systems then coincide. */
  snpsOnly?: boolean;
  /** Fraction of genotypes heterozygous and missing (default 0.05 and 0.03). */
  hetFraction?: number;
  missingFraction?: number;
}

export const MAX_INDEL_BP = 20;
const BASES = 'ACGT';

export interface VariantCallSummary {
  records: number;
  chromosomes: number;
}

export async function writeVariantCalls(reference: FastaPaths, out: string, options: VariantCallOptions): Promise<VariantCallSummary> {
  const fasta = await IndexedFastaSource.open(reference);
  const file = await AtomicFile.create(out);
  const random = new Random(options.seed);
  const hetFraction = options.hetFraction ?? 0.05;
  const missingFraction = options.missingFraction ?? 0.03;
  let records = 0;
  try {
    const header = [
      '##fileformat=VCFv4.2',
      `##source=genomeinfer simulated variant calls (seed ${options.seed})`,
      `##reference=${reference.fasta}`,
      ...fasta.chromosomes.map((c) => `##contig=<ID=${c.name},length=${c.length}>`),
      '##ALT=<ID=DEL,Description="Deletion">',
      '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
      '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant">',
      '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
      ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...options.samples].join('\t'),
    ];
    await file.write(`${header.join('\n')}\n`);
    for (const chrom of fasta.chromosomes) {
      const seq = (await fasta.read(chrom.name, 0, chrom.length)).map((b) => (b >= 0x61 ? b - 0x20 : b));
      const base = (i: Bp) => String.fromCharCode(seq[i]!);
      const span = (from: Bp, to: Bp) => String.fromCharCode(...seq.subarray(from, to));
      const acgt = (from: Bp, to: Bp) => seq.subarray(from, to).every((b) => b === 65 || b === 67 || b === 71 || b === 84);
      const otherBase = (b: string) => BASES.replace(b, '')[random.int(0, 2)]!;
      const freshBases = (n: number) => Array.from({ length: n }, () => BASES[random.int(0, 3)]).join('');
      const genotypes = (alts: number) =>
        options.samples.map(() => {
          const r = random.next();
          if (r < missingFraction) return random.chance(0.5) ? './.' : '.';
          if (r < missingFraction + hetFraction) {
            if (alts > 1 && random.chance(0.5)) return random.chance(0.5) ? '1/2' : '2|1';
            return random.chance(0.5) ? '0/1' : '1|0';
          }
          if (r < missingFraction + hetFraction + 0.01) return random.chance(0.5) ? '1' : '0'; // haploid calls
          const allele = alts > 1 && random.chance(0.5) ? 2 : 1;
          return random.chance(0.2) ? '0/0' : `${allele}/${allele}`;
        });
      const lines: [Bp, string][] = [];
      const add = (pos0: Bp, ref: string, alt: string, gts: string[], info = '.') =>
        lines.push([pos0, [chrom.name, pos0 + 1, '.', ref, alt, '.', 'PASS', info, 'GT', ...gts].join('\t')]);
      const homAlt = () => options.samples.map(() => '1/1');
      // Reserved stretches for the deliberate cases, kept clear of the random sites.
      const reserved: [Bp, Bp][] = [];
      const reserve = (from: Bp, to: Bp) => reserved.push([from - MAX_INDEL_BP - 2, to + MAX_INDEL_BP + 2]);
      const clear = (from: Bp, to: Bp) => reserved.every(([a, b]) => to <= a || from >= b);
      if (!options.snpsOnly && chrom.length > 4 * (MAX_INDEL_BP + 10)) {
        for (const edge of options.edgesBp ?? []) {
          if (edge < 10 || edge + MAX_INDEL_BP + 20 > chrom.length) continue;
          if (acgt(edge - 4, edge + 3)) {
            add(edge - 4, span(edge - 4, edge + 3), base(edge - 4), homAlt()); // deletes [edge-3, edge+3)
            reserve(edge - 4, edge + 3);
          }
          const at = edge + 8;
          if (acgt(at, at + 1)) {
            add(at, base(at), base(at) + freshBases(7), homAlt()); // inserts 7 bases
            reserve(at, at + 1);
          }
        }
        // A symbolic deletion and an overlapping pair, a quarter of the way in.
        const q = Math.floor(chrom.length / 4);
        if (clear(q, q + 40) && acgt(q, q + 40)) {
          add(q, base(q), '<DEL>', homAlt(), `SVTYPE=DEL;END=${q + 11}`);
          add(q + 20, span(q + 20, q + 26), base(q + 20), homAlt());
          add(q + 23, base(q + 23), otherBase(base(q + 23)), homAlt()); // inside the deletion: skipped
          add(q + 32, base(q + 32), `${base(q + 32)}[${chrom.name}:${q + 1000}[`, homAlt(), 'SVTYPE=BND'); // a breakend
          reserve(q, q + 40);
        }
      }
      for (let pos = random.int(1, options.spacingBp); pos < chrom.length - MAX_INDEL_BP - 2; pos += 1 + Math.round(random.exponential(options.spacingBp))) {
        if (!clear(pos, pos + MAX_INDEL_BP + 1) || !acgt(pos, pos + MAX_INDEL_BP + 1)) continue;
        const ref = base(pos);
        const r = options.snpsOnly ? 0 : random.next();
        if (r < 0.8) add(pos, ref, otherBase(ref), genotypes(1));
        else if (r < 0.88) add(pos, ref, ref + freshBases(random.int(1, MAX_INDEL_BP)), genotypes(1));
        else if (r < 0.96) add(pos, span(pos, pos + 1 + random.int(1, MAX_INDEL_BP)), ref, genotypes(1));
        else if (r < 0.98) {
          const a = otherBase(ref);
          let b = otherBase(ref);
          while (b === a) b = otherBase(ref);
          add(pos, ref, `${a},${b}`, genotypes(2));
        } else add(pos, span(pos, pos + 4), `${otherBase(ref)}${span(pos + 1, pos + 4)},${ref}`, genotypes(2));
        pos += MAX_INDEL_BP + 1; // sites never overlap by chance: only the deliberate pair does
      }
      lines.sort((a, b) => a[0] - b[0]);
      if (lines.length) await file.write(`${lines.map((l) => l[1]).join('\n')}\n`);
      records += lines.length;
    }
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err;
  } finally {
    await fasta.close();
  }
  return { records, chromosomes: fasta.chromosomes.length };
}
