import { planVarieties, type PlanStatus } from '../bulk/dryRun.js';
import type { ManifestEntry } from '../bulk/manifest.js';
import type { Shard } from '../bulk/shard.js';

/**
 * `annotate --dry-run`: one TSV row per selected variety on stdout, in manifest order
 * (variety, its FASTA as resolved, action skip|run, status, detail), so a workflow can read
 * it, and a count per status on stderr. Nothing is run.
 */
export async function dryRun(options: {
  outDir: string;
  selected: readonly ManifestEntry[];
  keys: readonly string[];
  shard: Shard;
  log: (line: string) => void;
}): Promise<void> {
  const plan = await planVarieties(options.outDir, options.selected, options.keys);
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
  const rows = plan.map((p, i) => {
    const fasta = options.selected[i]!.paths.fasta;
    return `${p.variety}\t${clean(fasta)}\t${p.status === 'done' ? 'skip' : 'run'}\t${p.status}\t${clean(p.detail)}\n`;
  });
  process.stdout.write(`variety\tfasta\taction\tstatus\tdetail\n${rows.join('')}`);
  const count = (status: PlanStatus) => plan.filter((p) => p.status === status).length;
  const { index, count: shards } = options.shard;
  options.log(
    `dry run, shard ${index}/${shards} with ${options.keys.join(', ')}: ${plan.length} varieties, ${count('done')} done, ` +
      `${plan.length - count('done')} would run (${count('new')} new, ${count('outdated')} outdated, ${count('failed')} failed before, ` +
      `${count('no_input')} without their FASTA); nothing was run`,
  );
}
