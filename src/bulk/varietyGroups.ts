import { VcfVarietySource } from '../readers/vcfVarietySource.js';
import type { ManifestEntry } from './manifest.js';

/** Varieties of one VCF whose edits are gathered in one pass over the file (see loadChromosomeEdits). */
export const DEFAULT_GROUP_SIZE = 8;

/**
 * Bulk runs over one multi-sample VCF: instead of one pass over the VCF per variety (3,000
 * passes over tens of GB for the 3K panel), the varieties to run are split, in run order,
 * into groups of `groupSize` sharing a reference and a VCF; the first variety of a group
 * asked for reads the VCF once per chromosome for the whole group, and its members take
 * their sequence sources from that pass. Memory: the edits of at most the groups in flight
 * (a group is dropped once all its members are handed out), ~21 bytes per non-reference
 * site per variety (readers/varietyEdits.ts): 8 rice lines × 3 M sites ≈ 0.5 GB.
 */
export class VarietyGroups {
  private readonly groupOf = new Map<string, Group>();

  constructor(entries: readonly ManifestEntry[], groupSize = DEFAULT_GROUP_SIZE) {
    const open = new Map<string, Group>();
    for (const entry of entries) {
      const v = entry.paths.variety;
      if (!v) continue;
      const key = JSON.stringify([entry.paths.fasta, entry.paths.fai, entry.paths.gzi, v.vcf]);
      let group = open.get(key);
      if (!group || group.members.length >= groupSize) {
        group = { members: [], pending: new Set(), loading: undefined };
        open.set(key, group);
      }
      group.members.push(entry);
      group.pending.add(entry.variety);
      this.groupOf.set(entry.variety, group);
    }
  }

  /** The variety's sequence source, or undefined for a FASTA variety; the caller closes it. */
  async source(entry: ManifestEntry): Promise<VcfVarietySource | undefined> {
    const group = this.groupOf.get(entry.variety);
    if (!group) return undefined;
    group.loading ??= VcfVarietySource.openGroup(entry.paths, entry.paths.variety!.vcf, group.members.map((m) => m.paths.variety!));
    let sources: VcfVarietySource[];
    try {
      sources = await group.loading;
    } catch (err) {
      // A failed pass fails each member on its own attempt (and a retry reads again).
      group.loading = undefined;
      throw err;
    }
    const source = sources[group.members.indexOf(entry)]!;
    group.pending.delete(entry.variety);
    // Handed out once: a retry of this variety opens its own source (one more pass, for it alone).
    this.groupOf.delete(entry.variety);
    return source;
  }
}

interface Group {
  members: ManifestEntry[];
  /** Members not handed their source yet. */
  pending: Set<string>;
  loading: Promise<VcfVarietySource[]> | undefined;
}
