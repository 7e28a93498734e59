/**
 * The panel summary of a bulk annotate run (DIR/summary): tables against figures derived
 * independently from hand-written BEDs (coverage against `bedtools merge`), unfinished
 * varieties, the SVG against the table, well-formed XML, and byte-identical reruns.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { renderCentromereFigure, type FigureVariety } from '../src/bulk/centromereFigure.js';
import { writePanelSummary } from '../src/bulk/panelSummary.js';
import { python, sh, tempDir } from './helpers.js';

let root: string;
let cleanup: () => void;
before(() => ({ dir: root, cleanup } = tempDir('genomeinfer-panel-summary-')));
after(() => cleanup());

type Bed = [chrom: string, start: number, end: number, label: string, score: number][];

interface FakeVariety {
  name: string;
  chromosomes: [string, number][];
  centromere?: Bed;
  histone?: Bed;
}

const MARKS = ['H3K4me3', 'H3K27me3', 'H3K9ac'];

/** Writes DIR/<variety>/ as annotate would: annotate.json plus BED9 per model. */
function writeVariety(dir: string, v: FakeVariety): void {
  const vdir = join(dir, v.name);
  mkdirSync(vdir, { recursive: true });
  const models = [];
  const bed9 = (rows: Bed): string => rows.map(([c, s, e, l, score]) => `${c}\t${s}\t${e}\t${l}\t${score}\t.\t${s}\t${Math.min(e, s + 100)}\t0\n`).join('');
  if (v.centromere) {
    writeFileSync(join(vdir, 'centromere.bed'), bed9(v.centromere));
    models.push({ key: 'centromere@3', name: 'centromere', labels: ['centromere'], bed: 'centromere.bed', bigwig: ['centromere.centromere.bw'] });
  }
  if (v.histone) {
    writeFileSync(join(vdir, 'histone.bed'), bed9(v.histone));
    models.push({ key: 'histone@1', name: 'histone', labels: MARKS, bed: 'histone.bed', bigwig: MARKS.map((m) => `histone.${m}.bw`) });
  }
  const chromosomes = v.chromosomes.map(([name, length]) => ({ name, length }));
  const marker = { variety: v.name, fasta: `/data/${v.name}.fa`, metadata: { origin: 'test' }, chromosomes, bases: chromosomes.reduce((s, c) => s + c.length, 0), models };
  writeFileSync(join(vdir, 'annotate.json'), JSON.stringify(marker, null, 2) + '\n');
}

const V01: FakeVariety = {
  name: 'V01',
  chromosomes: [['chr1', 100000], ['chr2', 80000], ['chr3', 60000]],
  // chr2 has two calls, chr3 none.
  centromere: [['chr1', 40000, 52000, 'centromere', 870], ['chr2', 20000, 26000, 'centromere', 640], ['chr2', 30000, 33000, 'centromere', 520]],
  histone: [
    // Overlapping and book-ended H3K4me3 peaks: the union is smaller than the sum.
    ['chr1', 1000, 3000, 'H3K4me3', 900], ['chr1', 2000, 2600, 'H3K27me3', 400], ['chr1', 2500, 4000, 'H3K4me3', 800],
    ['chr1', 4000, 4500, 'H3K4me3', 700], ['chr1', 9000, 9300, 'H3K9ac', 650], ['chr2', 500, 1500, 'H3K4me3', 600],
    ['chr2', 700, 800, 'H3K4me3', 550], ['chr2', 5000, 12000, 'H3K27me3', 500], ['chr3', 100, 400, 'H3K9ac', 610],
  ],
};
// A chromosome name that needs escaping in XML, and one mark (H3K27me3) without peaks.
const V02: FakeVariety = {
  name: 'V02',
  chromosomes: [['chr1', 101000], ['chr2', 79000], ['chr3', 61000], ['scaf&<1>', 5000]],
  centromere: [['chr1', 41000, 50000, 'centromere', 910], ['chr3', 12000, 15000, 'centromere', 700], ['scaf&<1>', 100, 900, 'centromere', 300]],
  histone: [['chr1', 100, 200, 'H3K4me3', 600], ['chr3', 50, 450, 'H3K9ac', 580], ['chr3', 300, 700, 'H3K9ac', 590], ['scaf&<1>', 0, 5000, 'H3K4me3', 510]],
};
// Ran the centromere model only, with no call at all.
const V05: FakeVariety = { name: 'V05', chromosomes: [['chr1', 99000], ['chr2', 81000], ['chr3', 59000]], centromere: [] };
const FINISHED = [V01, V02, V05];
// Manifest order; V03 has no directory, V04 a directory without its marker (both unfinished).
const MANIFEST = ['V02', 'V03', 'V01', 'V04', 'V05'];

function expectedCentromeres(): string[] {
  const rows = ['variety\tchrom\tstart\tend\tlength\tscore'];
  for (const name of MANIFEST) {
    const v = FINISHED.find((f) => f.name === name);
    if (!v?.centromere) continue;
    for (const [chrom] of v.chromosomes) {
      const calls = v.centromere.filter((c) => c[0] === chrom).sort((a, b) => a[1] - b[1]);
      if (!calls.length) rows.push([name, chrom, '.', '.', '.', '.'].join('\t'));
      for (const [, s, e, , score] of calls) rows.push([name, chrom, s, e, e - s, score].join('\t'));
    }
  }
  return rows;
}

/** Union of a mark's intervals by `bedtools sort | bedtools merge`, summed. */
function bedtoolsCoveredBp(rows: Bed): number {
  if (!rows.length) return 0;
  const bed = rows.map(([c, s, e]) => `${c}\t${s}\t${e}\n`).join('');
  const merged = sh('bedtools', ['merge', '-i', 'stdin'], sh('bedtools', ['sort', '-i', 'stdin'], bed));
  return merged.trim().split('\n').reduce((sum, line) => {
    const [, s, e] = line.split('\t');
    return sum + Number(e) - Number(s);
  }, 0);
}

function expectedMarks(): string[] {
  const rows = ['variety\tmark\tpeaks\tcovered_bp\tgenome_bp\tcovered_fraction\tmedian_peak_bp'];
  for (const name of MANIFEST) {
    const v = FINISHED.find((f) => f.name === name);
    if (!v?.histone) continue;
    const genomeBp = v.chromosomes.reduce((s, [, len]) => s + len, 0);
    for (const mark of MARKS) {
      const peaks = v.histone.filter((r) => r[3] === mark);
      const lengths = peaks.map(([, s, e]) => e - s).sort((a, b) => a - b);
      const h = lengths.length / 2;
      const median = !lengths.length ? '.' : lengths.length % 2 ? lengths[Math.floor(h)] : (lengths[h - 1]! + lengths[h]!) / 2;
      const covered = bedtoolsCoveredBp(peaks);
      rows.push([name, mark, peaks.length, covered, genomeBp, (covered / genomeBp).toFixed(6), median].join('\t'));
    }
  }
  return rows;
}

/** Parses the SVG as XML (failing on malformed XML) and returns its call rectangles' data attributes. */
function svgRects(path: string): Record<string, string>[] {
  const script = `import json, sys, xml.etree.ElementTree as E
rects = [r.attrib for r in E.parse(sys.argv[1]).iter('{http://www.w3.org/2000/svg}rect') if 'data-variety' in r.attrib]
print(json.dumps([{k[5:]: v for k, v in a.items() if k.startswith('data-')} for a in rects]))`;
  return JSON.parse(python(script, [path]));
}

test('summary tables match the BEDs (coverage = bedtools merge), SVG matches the table, reruns are byte-identical', async () => {
  const dir = join(root, 'run');
  for (const v of FINISHED) writeVariety(dir, v);
  mkdirSync(join(dir, 'V04'), { recursive: true });

  const result = await writePanelSummary(dir, MANIFEST);
  const summary = join(dir, 'summary');
  const files = ['centromeres.tsv', 'marks.tsv', 'centromeres.svg'].map((f) => join(summary, f));
  assert.deepEqual(result, { varieties: 3, missing: ['V03', 'V04'], files });

  const centromeres = readFileSync(files[0]!, 'utf8');
  assert.deepEqual(centromeres.split('\n'), [...expectedCentromeres(), '']);
  const marks = readFileSync(files[1]!, 'utf8');
  assert.deepEqual(marks.split('\n'), [...expectedMarks(), '']);
  // Spot checks of the derivation itself: V01 H3K4me3 on chr1 is [1000,4500) plus chr2 [500,1500).
  assert.match(marks, /^V01\tH3K4me3\t5\t4500\t240000\t0\.018750\t1000$/m);
  assert.match(marks, /^V02\tH3K27me3\t0\t0\t246000\t0\.000000\t\.$/m);

  // Every call row has exactly one rectangle with the same variety, chromosome and coordinates.
  const rects = svgRects(files[2]!);
  const calls = centromeres.trim().split('\n').slice(1).map((l) => l.split('\t')).filter((f) => f[2] !== '.');
  assert.equal(rects.length, calls.length);
  for (const [variety, chrom, start, end] of calls) {
    const matching = rects.filter((r) => r.variety === variety && r.chrom === chrom && r.start === start && r.end === end);
    assert.equal(matching.length, 1, `one rect for ${variety} ${chrom}:${start}-${end}`);
  }
  const svg = readFileSync(files[2]!, 'utf8');
  assert.match(svg, /<title>V01 chr2:30000-33000 length 3000 bp, score 520<\/title>/);
  assert.ok(svg.includes('scaf&amp;&lt;1&gt;'));

  const before = files.map((f) => readFileSync(f));
  const again = await writePanelSummary(dir, MANIFEST);
  assert.deepEqual(again, result);
  files.forEach((f, i) => assert.ok(readFileSync(f).equals(before[i]!), `${f} is byte-identical on a rerun`));
});

test('without a centromere model: no centromere files (stale ones removed); a bad BED names file and line', async () => {
  const dir = join(root, 'marks-only');
  const { centromere: _, ...histoneOnly } = V01;
  writeVariety(dir, histoneOnly);
  mkdirSync(join(dir, 'summary'), { recursive: true });
  writeFileSync(join(dir, 'summary', 'centromeres.tsv'), 'stale\n');
  writeFileSync(join(dir, 'summary', 'centromeres.svg'), 'stale\n');

  const result = await writePanelSummary(dir, ['V01']);
  assert.deepEqual(result, { varieties: 1, missing: [], files: [join(dir, 'summary', 'marks.tsv')] });
  assert.ok(!existsSync(join(dir, 'summary', 'centromeres.tsv')));
  assert.ok(!existsSync(join(dir, 'summary', 'centromeres.svg')));

  writeVariety(dir, { ...histoneOnly, histone: [['chr9', 0, 10, 'H3K4me3', 1]] });
  await assert.rejects(writePanelSummary(dir, ['V01']), (err: Error) => /histone\.bed line 1: chromosome chr9 is not in .*annotate\.json/.test(err.message));
});

test('figure for 3,000 varieties: 1 px rows, no per-row labels, a reasonable size', () => {
  const chromosomes = Array.from({ length: 12 }, (_, i) => ({ name: `chr${String(i + 1).padStart(2, '0')}`, length: 30_000_000 + i * 1_000_000 }));
  const varieties: FigureVariety[] = Array.from({ length: 3000 }, (_, v) => ({
    name: `variety_${v}`,
    chromosomes,
    calls: chromosomes.map((c, i) => ({ chrom: c.name, start: 10_000_000 + ((v * 7919 + i * 104729) % 3_000_000), end: 12_000_000 + ((v * 7919 + i * 104729) % 3_000_000), score: 800 })),
  }));
  const svg = renderCentromereFigure(varieties);
  assert.equal((svg.match(/<rect x=/g) ?? []).length, 36000);
  assert.ok(!svg.includes('class="l"'), 'no per-row labels');
  assert.ok(svg.length < 12e6, `${svg.length} bytes`);
  const height = Number(/height="(\d+)"/.exec(svg)![1]);
  assert.ok(height > 9000 && height < 10000, `height ${height}`);
});
