import { readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bp, Chromosome } from '../genome.js';
import { InputError, errorMessage } from '../errors.js';

/**
 * Where a bulk run puts one variety: `DIR/<variety>/` exists only once complete (it is built in
 * `DIR/.partial/<variety>/` and renamed into place), and its `annotate.json` marker says what
 * is in it. The marker holds no timings, so an interrupted and resumed run writes the same bytes
 * as an uninterrupted one.
 */
export interface VarietyMarker {
  variety: string;
  /** The genomeinfer version that wrote the variety (pipelines record tool versions). */
  genomeinfer: string;
  fasta: string;
  metadata: Record<string, string>;
  /** FASTA order, from the .fai. */
  chromosomes: Chromosome[];
  bases: Bp;
  models: MarkerModel[];
}

export interface MarkerModel {
  /** `name@version`. */
  key: string;
  name: string;
  version: string;
  labels: string[];
  /** File names inside the variety directory. */
  bed: string;
  bigwig: string[];
  /** Variety-minus-reference bigWigs per label (annotate --delta), in reference coordinates. */
  deltaBigwig?: string[];
}

export const MARKER_FILE = 'annotate.json';

export function varietyDir(outDir: string, variety: string): string {
  return join(outDir, variety);
}

/** Where a variety is built before it is renamed into place; removed when a run starts it over. */
export function partialDir(outDir: string, variety: string): string {
  return join(outDir, '.partial', variety);
}

/** Removes `DIR/.partial/` once nothing is being built in it (another shard may still be). */
export async function removePartialRoot(outDir: string): Promise<void> {
  await rmdir(join(outDir, '.partial')).catch(() => undefined);
}

/**
 * The marker of a finished variety, checked (it names the BEDs the summary reads), or
 * undefined when the variety has not finished (no directory or no marker).
 */
export async function readMarker(outDir: string, variety: string): Promise<VarietyMarker | undefined> {
  const path = join(varietyDir(outDir, variety), MARKER_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InputError('file_unreadable', `cannot read ${path}: ${errorMessage(err)}`);
  }
  const invalid = (problem: string): InputError => new InputError('marker_invalid', `${path}: ${problem}`);
  let json: any;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(`not valid JSON (${errorMessage(err)})`);
  }
  if (typeof json !== 'object' || json === null) throw invalid('not a JSON object');
  if (json.variety !== variety) throw invalid(`names variety '${json.variety}', expected '${variety}'`);
  if (!Array.isArray(json.chromosomes)) throw invalid("'chromosomes' is not an array");
  const seen = new Set<string>();
  for (const c of json.chromosomes) {
    if (typeof c?.name !== 'string' || c.name === '' || !Number.isSafeInteger(c.length) || c.length < 0) {
      throw invalid(`chromosome entry ${JSON.stringify(c)} needs a name and a non-negative integer length`);
    }
    if (seen.has(c.name)) throw invalid(`chromosome ${c.name} is listed twice`);
    seen.add(c.name);
  }
  if (!Array.isArray(json.models)) throw invalid("'models' is not an array");
  const fileName = (f: unknown) => typeof f === 'string' && /^[^/\\]+$/.test(f) && f !== '.' && f !== '..';
  for (const m of json.models) {
    const ok =
      typeof m?.key === 'string' &&
      typeof m.name === 'string' &&
      Array.isArray(m.labels) &&
      m.labels.every((l: unknown) => typeof l === 'string' && l !== '') &&
      fileName(m.bed) &&
      Array.isArray(m.bigwig) &&
      m.bigwig.every(fileName);
    if (!ok) throw invalid(`model entry ${JSON.stringify(m)} needs a key, a name, a list of labels and file names in the variety's directory`);
  }
  return json as VarietyMarker;
}

/** Finished with every wanted model (`name@version`)? */
export function markerCovers(marker: VarietyMarker | undefined, modelKeys: readonly string[]): boolean {
  return Boolean(marker && modelKeys.every((k) => marker.models.some((m) => m.key === k)));
}
