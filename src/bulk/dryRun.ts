import { stat } from 'node:fs/promises';
import { errorMessage } from '../errors.js';
import { indexPaths } from '../readers/fastaSource.js';
import { readFailure } from './failures.js';
import type { ManifestEntry } from './manifest.js';
import { markerCovers, readMarker } from './varietyOutputs.js';

/**
 * What `annotate` would do with one variety:
 * - `done`: finished with the requested model versions, skipped;
 * - `new`: never finished (not started, or interrupted), runs;
 * - `outdated`: finished with other model versions, runs again;
 * - `failed`: an earlier run recorded it as failed, runs again;
 * - `no_input`: its FASTA or index is missing, so it would fail.
 */
export type PlanStatus = 'done' | 'new' | 'outdated' | 'failed' | 'no_input';

export interface PlannedVariety {
  variety: string;
  status: PlanStatus;
  /** Why, in words: the failure's code and message, the model versions it has, the missing file. */
  detail: string;
}

/**
 * The dry run: per selected variety, whether a run would skip it or run it, and why. It reads
 * only what annotate reads before deciding (markers, failure records) and stats the input
 * files: no FASTA is opened and no model is loaded, so it is instant on a 3,000-variety panel.
 */
export async function planVarieties(outDir: string, selected: readonly ManifestEntry[], modelKeys: readonly string[]): Promise<PlannedVariety[]> {
  const plan: PlannedVariety[] = [];
  for (const entry of selected) plan.push(await planOne(outDir, entry, modelKeys));
  return plan;
}

async function planOne(outDir: string, entry: ManifestEntry, keys: readonly string[]): Promise<PlannedVariety> {
  const { variety } = entry;
  let marker;
  try {
    marker = await readMarker(outDir, variety);
  } catch (err) {
    return { variety, status: 'new', detail: `its marker is unreadable, so it runs again: ${errorMessage(err)}` };
  }
  if (markerCovers(marker, keys)) return { variety, status: 'done', detail: `finished with ${keys.join(', ')}` };
  const missing = await missingInput(entry);
  if (missing) return { variety, status: 'no_input', detail: `${missing} not found` };
  const failure = await readFailure(outDir, variety);
  if (failure) {
    return { variety, status: 'failed', detail: `failed after ${failure.attempts} attempt(s), ${failure.kind}/${failure.code}: ${failure.message}` };
  }
  if (marker) {
    return { variety, status: 'outdated', detail: `finished with ${marker.models.map((m) => m.key).join(', ')}; wanted ${keys.join(', ')}` };
  }
  return { variety, status: 'new', detail: 'not finished yet' };
}

/**
 * The first input file of the variety that does not exist: the FASTA, its .fai and, for a
 * `.gz` FASTA, its .gzi (under the names the reader defaults to when the manifest gives none).
 */
async function missingInput(entry: ManifestEntry): Promise<string | undefined> {
  const { fasta, gzi } = entry.paths;
  const index = indexPaths(entry.paths);
  // Without opening the FASTA, a .gzi is expected where one is named or the name says bgzip.
  const files = [fasta, index.fai, ...(gzi || /\.gz$/.test(fasta) ? [index.gzi] : []), ...(entry.paths.variety ? [entry.paths.variety.vcf] : [])];
  for (const f of files) if (!(await stat(f).catch(() => undefined))) return f;
  return undefined;
}
