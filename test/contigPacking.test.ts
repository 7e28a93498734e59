import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { writeExampleGenome } from '../src/examples/exampleGenome.js';
import { InferenceEngine } from '../src/inference/engine.js';
import { ModelRepository, type LoadedModel } from '../src/models/repository.js';
import { openGenomeInput } from '../src/pipeline/genomeInput.js';
import { predictChromosomes, type ChromosomeDone } from '../src/pipeline/predictChromosomes.js';
import { runPrediction } from '../src/pipeline/runPrediction.js';
import { ContigPacker } from '../src/segmenting/contigPacker.js';
import { writeScaffoldedGenome } from '../src/simulate/scaffoldedGenome.js';
import type { StitchedChromosome } from '../src/stitching/chromosomeStitcher.js';
import { gapBins, BIN_BP } from './exampleModelReference.js';
import { MODELS, python, sh, tempDir } from './helpers.js';

// Short scaffolds share model inputs (issue 13). What a contig gets must not depend on what
// it is packed with: the two chromosomes' BED, bedGraph and bigWig equal a run without the
// scaffolds, and every scaffold's probabilities equal one ONNX Runtime pass over it alone.

let tmp: ReturnType<typeof tempDir>;
let engine: InferenceEngine;
let cpg: LoadedModel;
let kmer: LoadedModel;
/** Chromosome heads and scaffolds interleaved (scaffolds, chr1, scaffolds, chr2, scaffolds). */
let mixed: string;
/** chr1 and chr2 alone. */
let heads: string;
let scaffolds: { name: string; length: number }[];

/** `samtools faidx SRC names… > out` + its index: a FASTA of those records, in that order. */
function extract(src: string, names: string[], out: string): string {
  const list = join(tmp.dir, 'names.txt');
  writeFileSync(list, names.join('\n') + '\n');
  sh('sh', ['-c', `samtools faidx '${src}' -r '${list}' > '${out}' && samtools faidx '${out}'`]);
  return out;
}

/** The named records' bases, read by samtools. */
function sequencesOf(path: string, names: string[]): Map<string, string> {
  const list = join(tmp.dir, 'names.txt');
  writeFileSync(list, names.join('\n') + '\n');
  const out = new Map<string, string>();
  for (const record of sh('samtools', ['faidx', path, '-r', list]).split('>').slice(1)) {
    const [name, ...lines] = record.split('\n');
    out.set(name!, lines.join(''));
  }
  return out;
}

before(async () => {
  tmp = tempDir();
  const base = join(tmp.dir, 'base.fa');
  await writeExampleGenome(base, [{ name: 'chr1', length: 430_017 }, { name: 'chr2', length: 260_000 }], 31);
  const cut = join(tmp.dir, 'cut.fa');
  const genome = await writeScaffoldedGenome({ fasta: base }, cut, { scaffolds: 300, minBp: 100, maxBp: 2000, seed: 5 });
  scaffolds = genome.scaffolds;
  const names = scaffolds.map((s) => s.name);
  mixed = extract(cut, [...names.slice(0, 100), 'chr1', ...names.slice(100, 200), 'chr2', ...names.slice(200)], join(tmp.dir, 'mixed.fa'));
  heads = extract(cut, ['chr1', 'chr2'], join(tmp.dir, 'heads.fa'));
  const repo = new ModelRepository(MODELS);
  cpg = await repo.load('example-cpg@2');
  kmer = await repo.load('example-kmer@1');
  engine = await InferenceEngine.create({ workers: 2, device: 'cpu', probeModelPath: cpg.onnxPath });
});

after(async () => {
  await engine?.close();
  tmp?.cleanup();
});

test('ContigPacker: contigs start on bins with the gap on both sides; a full-segment contig fits alone', () => {
  const g = { binBp: 100, segmentBins: 10, contextBins: 2, packGapBins: 2 };
  const packer = new ContigPacker(g); // inputs of 14 bins
  const a = packer.add({ name: 'a', length: 250 }); // bins 2-4, gap 5-6
  const b = packer.add({ name: 'b', length: 400 }); // bins 7-10, gap 11-12
  const c = packer.add({ name: 'c', length: 101 }); // 2 bins: 13 + 2 + 2 > 14, a new input
  assert.deepEqual([a.segment.inputStart, b.segment.inputStart, c.segment.inputStart], [-200, -700, -200]);
  assert.equal(a.closed, undefined);
  assert.equal(b.closed, undefined);
  assert.deepEqual(c.closed?.segments.map((s) => s.chrom), ['a', 'b']);
  const full = packer.add({ name: 'full', length: 1000 });
  assert.deepEqual(full.closed?.segments.map((s) => s.chrom), ['c']);
  assert.deepEqual([full.segment.inputStart, full.segment.inputEnd, full.segment.coreBins], [-200, 1200, 10]);
  assert.deepEqual(packer.flush()?.segments.map((s) => s.chrom), ['full']);
  assert.equal(packer.flush(), undefined);
});

test('packed scaffolds: chromosomes byte-identical to a run without scaffolds, each scaffold equal to one pass over it alone', async () => {
  const before = engine.stats.segments;
  const done: ChromosomeDone[] = [];
  let lastProgress = 0;
  await runPrediction(engine, cpg, await openGenomeInput({ fasta: mixed }, cpg), { bed: join(tmp.dir, 'mixed.bed'), bedGraph: join(tmp.dir, 'mixed.bedgraph'), bigWig: join(tmp.dir, 'mixed') }, {
    onChromosome: (c) => done.push(c),
    onProgress: (p) => (lastProgress = p.basesDone),
  });
  const mixedSegments = engine.stats.segments - before;
  await runPrediction(engine, cpg, await openGenomeInput({ fasta: heads }, cpg), { bed: join(tmp.dir, 'heads.bed'), bedGraph: join(tmp.dir, 'heads.bedgraph'), bigWig: join(tmp.dir, 'heads') });
  const headSegments = engine.stats.segments - before - mixedSegments;

  // 300 scaffolds (~190 kb) take a handful of shared inputs, not one each.
  assert.ok(mixedSegments <= headSegments + 6, `${mixedSegments} inputs for the genome, ${headSegments} for its chromosomes alone`);
  const total = readFileSync(`${mixed}.fai`, 'utf8').trim().split('\n').reduce((s, l) => s + Number(l.split('\t')[1]), 0);
  assert.equal(lastProgress, total);
  assert.equal(done.length, 302);
  assert.ok(done.filter((c) => c.chrom.startsWith('scaffold_')).every((c) => c.segments === 1));

  // BED in FASTA order; the chromosomes' lines, bedGraph lines and bigWig data as without scaffolds.
  const onChromosomes = (text: string) => text.split('\n').filter((l) => /^chr[12]\t/.test(l)).join('\n');
  const mixedBed = readFileSync(join(tmp.dir, 'mixed.bed'), 'utf8');
  assert.equal(onChromosomes(mixedBed), readFileSync(join(tmp.dir, 'heads.bed'), 'utf8').trimEnd());
  const order = readFileSync(`${mixed}.fai`, 'utf8').trim().split('\n').map((l) => l.split('\t')[0]!);
  const bedOrder = [...new Set(mixedBed.trim().split('\n').map((l) => l.split('\t')[0]!))];
  assert.deepEqual(bedOrder, order.filter((n) => bedOrder.includes(n)));
  assert.ok(bedOrder.some((n) => n.startsWith('scaffold_')), 'some scaffolds have calls');
  for (const label of cpg.manifest.labels) {
    const m = readFileSync(join(tmp.dir, `mixed.${label}.bedgraph`), 'utf8');
    const h = readFileSync(join(tmp.dir, `heads.${label}.bedgraph`), 'utf8');
    assert.equal(onChromosomes(m), onChromosomes(h), label);
  }
  // pyBigWig reads both files: every bin of every sequence, exact float32 values.
  const read = (prefix: string, label: string) =>
    JSON.parse(
      python(
        // Intervals merge runs of equal bins: spread them back over the 100-bp bins.
        'import sys, json, pyBigWig\nbw = pyBigWig.open(sys.argv[1])\n' +
          'print(json.dumps({c: [v for (s, e, v) in bw.intervals(c) for _ in range(s // 100, -(-e // 100))] for c in bw.chroms()}))',
        [join(tmp.dir, `${prefix}.${label}.bw`)],
      ),
    ) as Record<string, number[]>;
  const sequences = sequencesOf(mixed, scaffolds.map((s) => s.name));
  const session = await ort.InferenceSession.create(cpg.onnxPath, { intraOpNumThreads: 1 });
  const alone = new Map<string, Float32Array[]>();
  try {
    for (const s of scaffolds) alone.set(s.name, await onePass(session, sequences.get(s.name)!));
  } finally {
    await session.release();
  }
  for (const [l, label] of cpg.manifest.labels.entries()) {
    const m = read('mixed', label);
    const h = read('heads', label);
    assert.deepEqual([m.chr1, m.chr2], [h.chr1, h.chr2], label);
    for (const s of scaffolds) assert.deepEqual(m[s.name], Array.from(alone.get(s.name)![l]!), `${s.name} (${s.length} bp) ${label}`);
  }
});

/** example-cpg@2 over the whole sequence alone, zero-padded to a whole bin; gap bins 0 (the engine's rule). */
async function onePass(session: ort.InferenceSession, seq: string): Promise<Float32Array[]> {
  const bins = Math.ceil(seq.length / BIN_BP);
  const bases = Buffer.alloc(bins * BIN_BP, 'N');
  bases.write(seq, 'latin1');
  const out = await session.run({ bases: new ort.Tensor('uint8', new Uint8Array(bases), [1, bins * BIN_BP]) });
  const probs = out.probs!.data as Float32Array;
  const gaps = gapBins(seq);
  return [0, 1, 2].map((l) => probs.slice(l * bins, (l + 1) * bins).map((v, i) => (gaps[i] ? 0 : v)));
}

async function stitchAll(model: LoadedModel, fasta: string): Promise<Map<string, StitchedChromosome>> {
  const input = await openGenomeInput({ fasta }, model);
  const out = new Map<string, StitchedChromosome>();
  try {
    for await (const group of predictChromosomes(engine, model, input)) for (const s of group) out.set(s.chrom.name, s);
  } finally {
    await input.close();
  }
  return out;
}

test('packed scaffolds, track model with computed k-mer features: each contig as when it is alone', async () => {
  const all = await stitchAll(kmer, mixed);
  const alone = await stitchAll(kmer, heads);
  for (const c of ['chr1', 'chr2']) assert.deepEqual(all.get(c)!.probs, alone.get(c)!.probs, c);
  // Some of each length class, each run as a genome of its own.
  const sample = [...scaffolds].sort((a, b) => a.length - b.length).filter((_, i) => i % 30 === 0);
  for (const s of sample) {
    const one = await stitchAll(kmer, extract(mixed, [s.name], join(tmp.dir, `${s.name}.fa`)));
    assert.deepEqual(all.get(s.name)!.probs, one.get(s.name)!.probs, `${s.name} (${s.length} bp)`);
  }
});

test('packed scaffolds, segment-masked transformer (layout tracks): each contig as without packing', async () => {
  const centromere = await new ModelRepository(MODELS).load('centromere');
  assert.equal(centromere.geometry.packGapBins, 0, 'a model with layout tracks packs without gaps');
  const unpacked: LoadedModel = { ...centromere, geometry: { ...centromere.geometry, packGapBins: undefined } };
  const before = engine.stats.segments;
  const packed = await stitchAll(centromere, mixed);
  const packedSegments = engine.stats.segments - before;
  const alone = await stitchAll(unpacked, mixed);
  const aloneSegments = engine.stats.segments - before - packedSegments;
  // 300 scaffolds of 1-3 bins: one input each unpacked, a handful packed.
  assert.ok(aloneSegments >= 300 && packedSegments <= aloneSegments - 290, `${packedSegments} packed inputs, ${aloneSegments} unpacked`);
  let worst = 0;
  let where = '';
  for (const [name, s] of alone) {
    const p = packed.get(name)!.probs[0]!;
    s.probs[0]!.forEach((v, i) => {
      if (Math.abs(v - p[i]!) > worst) [worst, where] = [Math.abs(v - p[i]!), `${name} bin ${i} of ${p.length}: ${v} alone, ${p[i]} packed`];
    });
  }
  // Masked keys weigh exactly 0, but sums over a contig's own 2-3 keys may group differently
  // in a packed input: equal to float32 rounding.
  assert.ok(worst <= 1e-6, `largest difference ${worst} (${where})`);
});
