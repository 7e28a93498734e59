import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, python, runCli, tempDir } from './helpers.js';

/**
 * models/histone/train.py reads real-format inputs: the FASTA through its .fai, and per mark
 * a peak BED or a coverage bigWig. The simulator writes both for the same truth (peaks, and a
 * coverage track of peak height plus noise), so the two label paths must agree bin for bin.
 */
let tmp: ReturnType<typeof tempDir>;
let dir: string;

before(() => {
  tmp = tempDir();
  dir = join(tmp.dir, 'epi');
  const r = runCli(['simulate', '--epigenome', '--out', dir, '--seed', '4', '--chromosomes', '2', '--chromosome-bp', '300000']);
  assert.equal(r.status, 0, r.stderr);
});

after(() => tmp?.cleanup());

test('histone train.py: FASTA via .fai, and peak-BED and coverage-bigWig labels agree', () => {
  const out = python(
    `
import sys, json, numpy as np, pyBigWig
sys.path.insert(0, sys.argv[1])
import train
d, bw_path = sys.argv[2], sys.argv[3]
genome = train.read_fasta(d + '/genome.fa')
lengths = {c: len(s) for c, s in genome.items()}
# The FASTA reader against a plain parse of the file.
plain, name = {}, None
for line in open(d + '/genome.fa'):
    if line.startswith('>'):
        name = line[1:].split()[0]; plain[name] = []
    else:
        plain[name].append(line.strip())
same = all(genome[c].tobytes().decode() == ''.join(plain[c]) for c in plain)
bw = pyBigWig.open(bw_path, 'w')
bw.addHeader(list(lengths.items()))
rows = [l.split('\\t') for l in open(d + '/H3K27me3.coverage.bedgraph') if not l.startswith('track')]
bw.addEntries([r[0] for r in rows], [int(r[1]) for r in rows], ends=[int(r[2]) for r in rows], values=[float(r[3]) for r in rows])
bw.close()
marks, from_bed = train.read_marks(['H3K27me3=' + d + '/H3K27me3.peaks.bed'], lengths, 5.0)
_, from_bw = train.read_marks(['H3K27me3=' + bw_path], lengths, 5.0)
agree = float(np.mean(np.concatenate([(from_bed[c] == from_bw[c]).ravel() for c in lengths])))
positive = float(np.mean(np.concatenate([from_bed[c].ravel() for c in lengths])))
print(json.dumps({'same': same, 'agree': agree, 'positive': positive, 'bins': {c: int(from_bed[c].shape[1]) for c in lengths}}))
`,
    [join(ROOT, 'models', 'histone'), dir, join(tmp.dir, 'coverage.bw')],
  );
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { same: boolean; agree: number; positive: number; bins: Record<string, number> };
  assert.ok(r.same, 'train.read_fasta differs from the FASTA text');
  assert.deepEqual(r.bins, { chr1: 3000, chr2: 3000 });
  assert.ok(r.positive > 0.01, `positive bins ${r.positive}`);
  // Peaks are ≥ 5 above background noise of |N(0,1)|, so only the rare noisy bin at a peak's ragged edge differs.
  assert.ok(r.agree > 0.998, `BED and bigWig labels agree on ${r.agree} of bins`);
});
