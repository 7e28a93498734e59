/**
 * One bigWig write in its own process (so its peak RSS is its own), for bench/histone.ts:
 * node dist/bench/bigWigRun.js SCALE OUT.bw → one JSON line {seconds, bytes, bins, maxRssMb}.
 * The track: IRGSP-1.0 chromosome lengths × SCALE, 100-bp bins of peaky probabilities, one
 * chromosome's bins alive at a time (as runPrediction hands them over).
 */
import { statSync } from 'node:fs';
import { binCount } from '../src/genome.js';
import { IRGSP_CHROMOSOMES } from '../src/simulate/riceLayout.js';
import { BigWigWriter } from '../src/writers/bigWigWriter.js';
import { peakRssMb } from './peakRss.js';

const [scale, out] = process.argv.slice(2) as [string, string];
const BIN_BP = 100;
const chromosomes = IRGSP_CHROMOSOMES.map((c) => ({ name: c.name, length: Math.round(c.length * Number(scale)) }));
const started = performance.now();
const writer = await BigWigWriter.create(out, chromosomes, { binBp: BIN_BP });
let bins = 0;
let x = 12345;
for (const c of chromosomes) {
  const values = new Float32Array(binCount(c.length, BIN_BP));
  for (let b = 0; b < values.length; b++) {
    x = (x * 1103515245 + 12345) >>> 0;
    // Mostly near zero, with peaks: like a mark's probability track.
    values[b] = b % 97 < 12 ? 0.5 + (x % 500) / 1000 : (x % 100) / 10000;
  }
  await writer.addChromosome(c.name, values);
  bins += values.length;
}
await writer.close();
process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - started) / 1000, bytes: statSync(out).size, bins, maxRssMb: peakRssMb() })}\n`);
