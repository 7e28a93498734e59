import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { dataLines } from '../evaluation/dataLines.js';
import { parseHaplotypeChoice } from '../readers/haplotypeChoice.js';
import type { SequencePaths } from '../readers/openSequenceSource.js';

/** One row of a bulk-run manifest. */
export interface ManifestEntry {
  /** 0-based index among the manifest's data rows (what `--shard` splits on). */
  row: number;
  variety: string;
  /**
   * Absolute paths (relative ones resolve against the manifest's directory). A variety given
   * as a VCF sample has the shared reference as `fasta` and its VCF and sample in `variety`.
   */
  paths: SequencePaths;
  /** The row's other columns, by header name. */
  metadata: Record<string, string>;
}

const PATH_COLUMNS = ['fasta', 'fai', 'gzi', 'vcf', 'sample', 'haplotype'] as const;
/** Variety names become directory names: no separators, no leading dot. */
const VARIETY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** What a manifest of varieties given as VCF samples shares: the reference FASTA, named once. */
export interface ManifestOptions {
  /** The reference FASTA (+ .fai) every `vcf` + `sample` row is built on (annotate --reference). */
  reference?: string;
}

/**
 * Reads a manifest TSV: a header row naming `variety`, `fasta` and optionally `fai`, `gzi`
 * and metadata columns; then one variety per row. Instead of `fasta`, a row may give `vcf`
 * (bgzipped, indexed) and `sample` (and optionally `haplotype`, as predict --haplotype): the
 * variety is then built from the shared reference (`options.reference`). Every problem names
 * the file and line.
 */
export async function readManifest(path: string, options: ManifestOptions = {}): Promise<ManifestEntry[]> {
  const base = dirname(resolve(path));
  let header: string[] | undefined;
  const entries: ManifestEntry[] = [];
  const seen = new Map<string, number>();
  for await (const { lineNumber, fields } of dataLines(path, 'manifest')) {
    const where = `manifest ${path} line ${lineNumber}`;
    if (!header) {
      header = fields;
      const columns = header.includes('vcf') || header.includes('sample') ? ['variety', 'vcf', 'sample'] : ['variety', 'fasta'];
      for (const required of columns) {
        if (!header.includes(required)) throw new InputError('manifest_invalid', `${where}: the header must name a '${required}' column (got: ${header.join(', ')})`);
      }
      const dup = header.find((h, i) => header!.indexOf(h) !== i);
      if (dup) throw new InputError('manifest_invalid', `${where}: column '${dup}' appears twice in the header`);
      continue;
    }
    if (fields.length !== header.length) {
      throw new InputError('manifest_invalid', `${where}: ${fields.length} columns, but the header has ${header.length}`);
    }
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = fields[i]!));
    const variety = row.variety!;
    if (!VARIETY_NAME.test(variety)) {
      throw new InputError('manifest_invalid', `${where}: variety name '${variety}' must be letters, digits, '.', '_' or '-' (it becomes a directory name)`);
    }
    const earlier = seen.get(variety);
    if (earlier !== undefined) throw new InputError('manifest_invalid', `${where}: variety '${variety}' already listed on line ${earlier}`);
    seen.set(variety, lineNumber);
    let paths: SequencePaths;
    if (row.vcf) {
      if (!row.sample) throw new InputError('manifest_invalid', `${where}: variety '${variety}' has a vcf but no sample`);
      if (!options.reference) {
        throw new InputError('manifest_invalid', `${where}: variety '${variety}' is given as a VCF sample; name the reference FASTA it was called against with --reference FILE`);
      }
      let haplotype;
      try {
        haplotype = row.haplotype ? parseHaplotypeChoice(row.haplotype) : undefined;
      } catch (err) {
        throw new InputError('manifest_invalid', `${where}: ${(err as Error).message.replace('--haplotype', 'haplotype')}`);
      }
      paths = { fasta: resolve(options.reference), variety: { vcf: resolve(base, row.vcf), sample: row.sample, haplotype } };
    } else {
      if (!row.fasta) throw new InputError('manifest_invalid', `${where}: variety '${variety}' has no fasta path${header.includes('vcf') ? ' and no vcf' : ''}`);
      paths = { fasta: resolve(base, row.fasta) };
      if (row.fai) paths.fai = resolve(base, row.fai);
      if (row.gzi) paths.gzi = resolve(base, row.gzi);
    }
    const metadata: Record<string, string> = {};
    for (const h of header) if (h !== 'variety' && !(PATH_COLUMNS as readonly string[]).includes(h)) metadata[h] = row[h]!;
    entries.push({ row: entries.length, variety, paths, metadata });
  }
  if (!header) throw new InputError('manifest_invalid', `manifest ${path} is empty: it needs a header row (variety, fasta, …) and one row per variety`);
  return entries;
}
