import type { JobInput } from '../jobs/jobRecord.js';
import type { GenomeInputPaths } from '../pipeline/genomeInput.js';
import type { DataRoots } from './dataRoots.js';
import { PathLabels } from './pathLabels.js';
import { varietyArgs } from '../pipeline/varietyRequest.js';

/** A genome named by paths under the data roots (a JSON job submission). */
export interface DatasetRequest {
  fasta: string;
  fai?: string;
  gzi?: string;
  tracks?: Record<string, string>;
  /** A variety: the reference `fasta` + this VCF's `sample` (as predict --vcf/--sample). */
  vcf?: string;
  sample?: string;
  haplotype?: string;
  coords?: 'reference' | 'variety';
}

/**
 * Confines and resolves every path of `request` (403/404/400 from DataRoots). An index not
 * named is looked for next to the FASTA as the client named it, inside the roots as well;
 * when it is not there the reader reports it missing under the client's name for it.
 */
export async function resolveDatasetInput(roots: DataRoots, request: DatasetRequest | JobInput): Promise<{ paths: GenomeInputPaths; labels: PathLabels }> {
  const labels = new PathLabels();
  const fasta = await roots.resolve(request.fasta, 'fasta');
  labels.set(fasta.path, `'${fasta.requested}'`);
  const index = async (given: string | undefined, suffix: '.fai' | '.gzi', field: string) => {
    if (given !== undefined) {
      const file = await roots.resolve(given, field);
      labels.set(file.path, `'${file.requested}'`);
      return file.path;
    }
    const requested = `${request.fasta}${suffix}`;
    const file = await roots.locate(requested, field);
    labels.set(file.path, `'${requested}'`);
    return file.path;
  };
  const fai = await index(request.fai, '.fai', 'fai');
  const gzi = await index(request.gzi, '.gzi', 'gzi');
  const tracks: Record<string, string> = {};
  for (const [name, requested] of Object.entries(request.tracks ?? {})) {
    const file = await roots.resolve(requested, `tracks.${name}`);
    labels.set(file.path, `'${file.requested}'`);
    tracks[name] = file.path;
  }
  let variety: Pick<GenomeInputPaths, 'variety' | 'coords'> = {};
  if (request.vcf !== undefined || request.sample !== undefined) {
    const given = varietyArgs({ vcf: request.vcf, sample: request.sample, haplotype: request.haplotype, coords: request.coords });
    const vcf = await roots.resolve(request.vcf!, 'vcf');
    labels.set(vcf.path, `'${vcf.requested}'`);
    variety = { variety: { ...given.variety!, vcf: vcf.path }, coords: given.coords };
  }
  return { paths: { fasta: fasta.path, fai, gzi, tracks, ...variety }, labels };
}
