/**
 * npm run bench:bulk — `genomeinfer annotate` over a simulated panel (both models, 2 workers,
 * CPU): varieties per hour on this machine, genome bp/s through both models, and the projected
 * CPU core-hours for 2,980 genomes of 373 Mb at that rate. Medians of BENCH_RUNS fresh runs.
 * Env: BENCH_RUNS (default 3), BENCH_VARIETIES (24), BENCH_SCALE (0.02 of the IRGSP lengths),
 * BENCH_CHROMOSOMES (12), BENCH_SEED (7), BENCH_MODELS (centromere,histone), BENCH_CONCURRENCY (2).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/src/cli/main.js');
const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const RUNS = Number(env('BENCH_RUNS', '3'));
const VARIETIES = env('BENCH_VARIETIES', '24');
const SCALE = env('BENCH_SCALE', '0.02');
const CHROMOSOMES = env('BENCH_CHROMOSOMES', '12');
const SEED = env('BENCH_SEED', '7');
const MODELS = env('BENCH_MODELS', 'centromere,histone');
const CONCURRENCY = env('BENCH_CONCURRENCY', '2');
const WORKERS = 2;
const RICE_BP = 373_245_519;
const PANEL_VARIETIES = 2_980;

const panel = join(ROOT, '.cache/bench', `panel-${VARIETIES}-seed${SEED}-x${SCALE}-c${CHROMOSOMES}`);
const manifest = join(panel, 'manifest.tsv');
if (!existsSync(manifest)) {
  mkdirSync(panel, { recursive: true });
  execFileSync(process.execPath, [CLI, 'simulate', '--panel', VARIETIES, '--seed', SEED, '--scale', SCALE, '--chromosomes', CHROMOSOMES, '--out', panel], { stdio: 'inherit' });
}

// Genome bases of the panel, from the manifest's FASTA indexes.
const rows = readFileSync(manifest, 'utf8').trimEnd().split('\n');
const fastaCol = rows[0]!.split('\t').indexOf('fasta');
const varieties = rows.length - 1;
let bases = 0;
for (const row of rows.slice(1)) {
  for (const line of readFileSync(join(panel, `${row.split('\t')[fastaCol]}.fai`), 'utf8').trimEnd().split('\n')) bases += Number(line.split('\t')[1]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const seconds: number[] = [];
const out = join(panel, 'annotate-out');
for (let i = 0; i < RUNS; i++) {
  rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  execFileSync(process.execPath, [CLI, 'annotate', '--manifest', manifest, '--out', out, '--models', MODELS, '--workers', String(WORKERS), '--concurrency', CONCURRENCY], { stdio: ['ignore', 'ignore', 'pipe'] });
  const s = (performance.now() - t0) / 1000;
  seconds.push(s);
  console.log(`  run ${i + 1}: ${varieties} varieties in ${s.toFixed(1)} s`);
}
const centromereRows = readFileSync(join(out, 'summary/centromeres.tsv'), 'utf8').trimEnd().split('\n').length - 1;
const svgBytes = existsSync(join(out, 'summary/centromeres.svg')) ? readFileSync(join(out, 'summary/centromeres.svg')).length : 0;

const s = median(seconds);
const bps = bases / s;
const coreHours = ((PANEL_VARIETIES * RICE_BP) / bps / 3600) * WORKERS;
console.log(`bench:bulk — annotate --models ${MODELS} on ${varieties} simulated varieties (${(bases / varieties / 1e6).toFixed(2)} Mb each, ${(bases / 1e6).toFixed(1)} Mb), ${WORKERS} workers, --concurrency ${CONCURRENCY}, CPU`);
console.log(`  wall            ${s.toFixed(1)} s (median of ${RUNS}: ${seconds.map((x) => x.toFixed(1)).join(', ')})`);
console.log(`  varieties/hour  ${((varieties / s) * 3600).toFixed(0)} at this size; ${(3600 / (RICE_BP / bps)).toFixed(2)} per hour at 373 Mb`);
console.log(`  throughput      ${(bps / 1e6).toFixed(3)} Mbp/s of genome through all models`);
console.log(`  projection      ${PANEL_VARIETIES} genomes × ${(RICE_BP / 1e6).toFixed(1)} Mb → ${coreHours.toFixed(0)} CPU core-hours (${WORKERS} cores at the measured rate)`);
console.log(`  summary         ${centromereRows} rows in summary/centromeres.tsv, centromeres.svg ${(svgBytes / 1024).toFixed(0)} KiB`);
