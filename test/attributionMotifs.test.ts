/**
 * Does in-silico mutagenesis find the planted rules? On a held-out simulated epigenome (seed 104;
 * histone@2 was trained on seed 1), the first H3K4me3 region histone@2 calls at a promoter
 * whose bases all lie in one segment's input (the cheapest to attribute: 3 inputs per base) is
 * attributed base by base, and its top 20 bases (the TSV's ranking: largest |importance|,
 * importance = −(mean Δ of the three mutants)) are intersected with the planted motifs
 * (motifs.bed) by bedtools. Target (issue 15): ≥ 80% of them in motifs. Random baseline:
 * the share of the region's bases that lie in motifs (bedtools), i.e. the expected hit rate of
 * 20 bases drawn at random from it. `npm run eval:attribution` runs every promoter of another
 * held-out genome.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { topPositions } from '../src/attribution/attributionOutputs.js';
import { attributeRegion } from '../src/attribution/ismAttribution.js';
import { InferenceEngine } from '../src/inference/engine.js';
import { ModelRepository, type LoadedModel } from '../src/models/repository.js';
import { openGenomeInput, type GenomeInput } from '../src/pipeline/genomeInput.js';
import { runPrediction } from '../src/pipeline/runPrediction.js';
import { runCli, sh, tempDir } from './helpers.js';

const SEED = '104';
const TOP = 20;
let tmp: ReturnType<typeof tempDir>;
let engine: InferenceEngine;
let model: LoadedModel;
let input: GenomeInput;

before(async () => {
  tmp = tempDir();
  const sim = runCli(['simulate', '--epigenome', '--out', tmp.dir, '--seed', SEED, '--chromosomes', '1', '--chromosome-bp', '100000']);
  assert.equal(sim.status, 0, sim.stderr);
  model = await new ModelRepository().load('histone@2');
  engine = await InferenceEngine.create({ workers: 2, device: 'cpu', probeModelPath: model.onnxPath });
  input = await openGenomeInput({ fasta: join(tmp.dir, 'genome.fa') }, model);
});

after(async () => {
  await input?.close();
  await engine?.close();
  tmp?.cleanup();
});

test('histone@2 H3K4me3 at a held-out promoter: ≥ 80% of the top-20 attributed bases lie in planted motifs, far above the random baseline', async () => {
  await runPrediction(engine, model, input, { bed: join(tmp.dir, 'predicted.bed') });
  // Promoter contexts: TSS − 1 kb … + 500 bp in the direction of transcription, as the simulator plants them.
  const promoters = readFileSync(join(tmp.dir, 'genes.bed'), 'utf8').trim().split('\n').map((l) => {
    const [chrom, start, end, , , strand] = l.split('\t');
    const tss = strand === '+' ? Number(start) : Number(end);
    return `${chrom}\t${strand === '+' ? tss - 1_000 : tss - 500}\t${strand === '+' ? tss + 500 : tss + 1_000}\n`;
  });
  writeFileSync(join(tmp.dir, 'promoters.bed'), promoters.join(''));
  sh('sh', ['-c', `awk '$4 == "H3K4me3"' '${join(tmp.dir, 'predicted.bed')}' | cut -f1-3 > '${join(tmp.dir, 'calls.bed')}'`]);
  const atPromoters = sh('bedtools', ['intersect', '-u', '-a', join(tmp.dir, 'calls.bed'), '-b', join(tmp.dir, 'promoters.bed')]).trim().split('\n').filter(Boolean);
  assert.ok(atPromoters.length >= 2, `histone@2 calls H3K4me3 at promoters (${atPromoters.length})`);
  const segmentBp = model.geometry.segmentBins * model.geometry.binBp;
  const contextBp = model.geometry.contextBins * model.geometry.binBp;
  const call = atPromoters
    .map((l) => l.split('\t'))
    .map(([chrom, start, end]) => ({ chrom: chrom!, start: Number(start), end: Number(end) }))
    .find((r) => r.start % segmentBp >= contextBp && (r.start % segmentBp) + (r.end - r.start) <= segmentBp - contextBp);
  assert.ok(call, 'a promoter call inside one segment');

  const result = await attributeRegion(engine, model, input, { region: call, label: 'H3K4me3' });
  assert.equal(result.segments, 1);
  const top = topPositions(result, TOP);
  writeFileSync(join(tmp.dir, 'top.bed'), top.map((p) => `${p.chrom}\t${p.start}\t${p.start + 1}\n`).join(''));
  sh('sh', ['-c', `sort -k1,1 -k2,2n '${join(tmp.dir, 'motifs.bed')}' | bedtools merge > '${join(tmp.dir, 'motifs.merged.bed')}'`]);
  const hits = sh('bedtools', ['intersect', '-u', '-a', join(tmp.dir, 'top.bed'), '-b', join(tmp.dir, 'motifs.merged.bed')]).trim().split('\n').filter(Boolean).length;
  writeFileSync(join(tmp.dir, 'region.bed'), `${call.chrom}\t${call.start}\t${call.end}\n`);
  const motifBases = sh('bedtools', ['intersect', '-a', join(tmp.dir, 'region.bed'), '-b', join(tmp.dir, 'motifs.merged.bed')])
    .trim()
    .split('\n')
    .filter(Boolean)
    .reduce((n, l) => n + Number(l.split('\t')[2]) - Number(l.split('\t')[1]), 0);
  const baseline = motifBases / (call.end - call.start);
  console.log(`# ${call.chrom}:${call.start + 1}-${call.end}: ${hits}/${TOP} top bases in planted motifs; random baseline ${(100 * baseline).toFixed(1)}% (${motifBases} of ${call.end - call.start} bases); ${result.seconds.toFixed(1)} s`);
  assert.ok(hits / TOP >= 0.8, `${hits}/${TOP} top-attributed bases in planted motifs (baseline ${(100 * baseline).toFixed(1)}%)`);
  assert.ok(hits / TOP > 10 * baseline, 'far above what 20 random bases of the region would hit');
});
