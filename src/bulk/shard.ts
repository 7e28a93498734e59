import { UsageError } from '../errors.js';
import type { ManifestEntry } from './manifest.js';

/** `--shard i/N`: this process takes the manifest rows whose index ≡ i (mod N). */
export interface Shard {
  index: number;
  count: number;
}

export const WHOLE_MANIFEST: Shard = { index: 0, count: 1 };

export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) {
    throw new UsageError(`--shard must be i/N with 0 ≤ i < N (e.g. 0/4 … 3/4), not '${spec}'`);
  }
  return { index, count };
}

/**
 * Round-robin by row, so shards differ in size by at most one variety and the union of shards
 * 0…N−1 is the manifest exactly once. Depends only on the manifest's row order.
 */
export function inShard(row: number, shard: Shard): boolean {
  return row % shard.count === shard.index;
}

/**
 * The manifest rows a run takes, in manifest order: those of `shard`, narrowed to `names`
 * when given (a workflow running one variety per job). A name the manifest lacks is a usage
 * error, so a typo cannot pass as "nothing to do".
 */
export function selectVarieties(manifest: readonly ManifestEntry[], shard: Shard, names?: readonly string[]): ManifestEntry[] {
  if (names?.length) {
    const known = new Set(manifest.map((e) => e.variety));
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length) throw new UsageError(`--variety ${unknown.join(', ')}: not in the manifest`);
  }
  const wanted = names?.length ? new Set(names) : undefined;
  return manifest.filter((e) => inShard(e.row, shard) && (!wanted || wanted.has(e.variety)));
}
