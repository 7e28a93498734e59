import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeExampleGenome, EXAMPLE_CHROMOSOMES } from '../src/examples/exampleGenome.js';
import { exampleCpgReference, BIN_BP } from './exampleModelReference.js';
import { MODELS, runCli, sh, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let fasta: string;

function predict(name: string, workers: number, extra: string[] = []): { bed: string; graphs: string[]; seconds: number } {
  const out = join(tmp.dir, name);
  const started = performance.now();
  const r = runCli(['predict', '--model', 'example-cpg', '--fasta', fasta, '--out', `${out}.bed`, '--bedgraph', `${out}.bedgraph`, '--workers', String(workers), '--device', 'cpu', ...extra]);
  assert.equal(r.status, 0, r.stderr);
  const graphs = ['gc_rich', 'cpg_island', 'motif_dense'].map((l) => readFileSync(`${out}.${l}.bedgraph`, 'utf8'));
  return { bed: readFileSync(`${out}.bed`, 'utf8'), graphs, seconds: (performance.now() - started) / 1000 };
}

before(async () => {
  tmp = tempDir();
  fasta = join(tmp.dir, 'example.fa');
  await writeExampleGenome(fasta);
});
after(() => tmp.cleanup());

test('BED is byte-identical across runs, --workers 1 and 2, and batch sizes; valid for bedtools', () => {
  const a = predict('a', 2);
  const b = predict('b', 2);
  const c = predict('c', 1);
  const d = predict('d', 2, ['--max-batch', '1']);
  assert.ok(a.seconds < 60, `example run took ${a.seconds.toFixed(1)} s`);
  assert.ok(a.bed.length > 0);
  assert.equal(a.bed, b.bed);
  assert.equal(a.bed, c.bed);
  assert.equal(a.bed, d.bed);
  assert.deepEqual(a.graphs, b.graphs);
  assert.deepEqual(a.graphs, c.graphs);
  assert.deepEqual(a.graphs, d.graphs);
  assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary files left');

  const bed = join(tmp.dir, 'a.bed');
  // Sorted in FASTA order then start: bedtools' own sort by the .fai leaves it unchanged.
  assert.equal(sh('bedtools', ['sort', '-faidx', `${fasta}.fai`, '-i', bed]), a.bed);
  // bedtools parses every interval (it errors on malformed or inverted ones) and, with the
  // genome file, checks them against chromosome ends.
  const genome = join(tmp.dir, 'genome.txt');
  sh('sh', ['-c', `cut -f1,2 '${fasta}.fai' > '${genome}'`]);
  assert.equal(sh('bedtools', ['slop', '-i', bed, '-g', genome, '-b', '0']), a.bed);
  const merged = sh('bedtools', ['merge', '-i', bed, '-c', '4', '-o', 'distinct']);
  assert.ok(merged.split('\n').length > 1);
  for (const line of a.bed.trimEnd().split('\n')) {
    const f = line.split('\t');
    assert.equal(f.length, 9, line);
    const [start, end, score, thickStart, thickEnd] = [f[1], f[2], f[4], f[6], f[7]].map(Number) as number[];
    const length = EXAMPLE_CHROMOSOMES.find((c) => c.name === f[0])!.length;
    assert.ok(start! >= 0 && start! < end! && end! <= length, line);
    assert.ok(thickStart! >= start! && thickEnd! <= end! && thickStart! < thickEnd!, line);
    assert.ok(Number.isInteger(score) && score! >= 0 && score! <= 1000, line);
    assert.equal(f[5], '.');
  }
});

test('BED regions and scores follow from the independently derived probabilities', () => {
  const bed = readFileSync(join(tmp.dir, 'a.bed'), 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
  const labels = ['gc_rich', 'cpg_island', 'motif_dense'];
  for (const chrom of EXAMPLE_CHROMOSOMES) {
    const sequence = sh('samtools', ['faidx', fasta, chrom.name]).split('\n').slice(1).join('');
    const ref = exampleCpgReference(sequence);
    for (const [l, label] of labels.entries()) {
      const p = ref[l]!;
      const regions = bed.filter((f) => f[0] === chrom.name && f[3] === label);
      // Postprocess of example-cpg: threshold 0.5, merge gap 200 bp, min length 300 bp.
      const expected: [number, number][] = [];
      let b = 0;
      while (b < p.length) {
        if (p[b]! < 0.5) {
          b++;
          continue;
        }
        let e = b;
        while (e < p.length && p[e]! >= 0.5) e++;
        const last = expected.at(-1);
        if (last && b * BIN_BP - last[1] <= 200) last[1] = e * BIN_BP;
        else expected.push([b * BIN_BP, e * BIN_BP]);
        b = e;
      }
      const kept = expected.map(([s, e]) => [s, Math.min(e, chrom.length)] as const).filter(([s, e]) => e - s >= 300);
      assert.deepEqual(regions.map((f) => [Number(f[1]), Number(f[2])]), kept, `${chrom.name} ${label}`);
      for (const f of regions) {
        const [s, e] = [Number(f[1]) / BIN_BP, Math.ceil(Number(f[2]) / BIN_BP)];
        let sum = 0;
        for (let i = s; i < e; i++) sum += p[i]!;
        assert.ok(Math.abs(Number(f[4]) - (1000 * sum) / (e - s)) <= 0.51, `${f.join(' ')} score`);
      }
    }
  }
});

test('models --json lists the repository', () => {
  const r = runCli(['models', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout) as { name: string; version: string; labels: string[]; input: { kind: string } }[];
  // Expected straight from the files: every models/<name>/<version>/model.json, in order.
  // (Files beside the model folders, such as the shared models/transformer.py, are not models.)
  const expected = readdirSync(MODELS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .flatMap((name) =>
      readdirSync(join(MODELS, name))
        .filter((v) => existsSync(join(MODELS, name, v, 'model.json')))
        .sort((a, b) => Number(a) - Number(b))
        .map((version) => {
          const m = JSON.parse(readFileSync(join(MODELS, name, version, 'model.json'), 'utf8'));
          return [m.name, m.version, m.labels, { kind: m.input.kind }];
        }),
    );
  assert.deepEqual(list.map((m) => [m.name, m.version, m.labels, m.input]), expected);
  assert.ok(expected.some(([name, version]) => name === 'example-cpg' && version === '2'));
  const verify = runCli(['models', '--verify']);
  assert.equal(verify.status, 0, verify.stderr);
  for (const [name, version] of expected) assert.match(verify.stdout, new RegExp(`${name}@${version}\\t.*\\[sha256 \\+ test ok\\]`));
});
