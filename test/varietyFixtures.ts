import { join } from 'node:path';
import { writeVariantCalls, type VariantCallOptions } from '../src/simulate/variantCalls.js';
import { runCli, sh } from './helpers.js';

/** Positions around the histone model's segment edges (20 kb cores, 3 kb context) that indels straddle. */
export const EDGES_BP = [17000, 20000, 23000, 37000, 40000, 43000, 60000];

/** A bgzipped, tabix-indexed VCF of simulated calls on `fasta` (Debian bgzip and tabix). */
export async function writeIndexedVcf(fasta: string, path: string, options: Partial<VariantCallOptions> = {}): Promise<string> {
  const plain = path.replace(/\.gz$/, '');
  await writeVariantCalls({ fasta }, plain, { seed: 9, samples: ['S1', 'S2', 'S3', 'S4'], spacingBp: 150, edgesBp: EDGES_BP, ...options });
  sh('bgzip', ['-f', plain]);
  sh('tabix', ['-f', '-p', 'vcf', path]);
  return path;
}

/**
 * The VCF without the records genomeinfer skips by design (symbolic alleles, breakends):
 * bcftools consensus applies <DEL> (with END) and refuses other symbolic alleles, while
 * issue 14 asks for them to be skipped and counted. Everything else goes to bcftools as is.
 */
export function withoutSymbolic(vcf: string, out: string): string {
  sh('bcftools', ['view', '-e', 'ALT~"<.*>" || ALT~"\\["', '-Oz', '-o', out, vcf]);
  sh('tabix', ['-f', '-p', 'vcf', out]);
  return out;
}

/** `bcftools consensus` FASTA (+ .fai) of one sample and haplotype choice. */
export function consensusFasta(reference: string, vcf: string, sample: string, haplotype: string, out: string, chain?: string): string {
  const fasta = sh('bcftools', ['consensus', '-s', sample, '-H', haplotype, '-f', reference, ...(chain ? ['-c', chain] : []), vcf]);
  sh('sh', ['-c', `cat > '${out}' && samtools faidx '${out}'`], fasta);
  return out;
}

/** Sequences of a FASTA by name, uppercase kept as is. */
export function fastaSequences(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const record of text.split('>').slice(1)) {
    const [header, ...lines] = record.split('\n');
    out.set(header!.split(/\s/)[0]!, lines.join(''));
  }
  return out;
}

export function simulateRice(dir: string): string {
  const r = runCli(['simulate', '--out', join(dir, 'rice'), '--scale', '0.003', '--chromosomes', '3', '--seed', '5']);
  if (r.status !== 0) throw new Error(r.stderr);
  return join(dir, 'rice', 'genome.fa');
}

export function simulateEpigenome(dir: string, chromosomeBp = 150000): string {
  const r = runCli(['simulate', '--epigenome', '--out', join(dir, 'epi'), '--seed', '11', '--chromosomes', '2', '--chromosome-bp', String(chromosomeBp)]);
  if (r.status !== 0) throw new Error(r.stderr);
  return join(dir, 'epi', 'genome.fa');
}
