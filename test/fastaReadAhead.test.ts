import assert from 'node:assert/strict';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InputError } from '../src/errors.js';
import { IndexedFastaSource } from '../src/readers/fastaSource.js';
import { mulberry32 } from '../src/simulate/random.js';
import { sh, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
before(() => {
  tmp = tempDir();
});
after(() => tmp.cleanup());

/** Two chromosomes and 400 short scaffolds (soft-masked stretches, Ns), 60 bases a line, indexed by samtools. */
function scaffoldedFasta(name: string, rand: () => number): { path: string; seqs: Map<string, string> } {
  const seqs = new Map<string, string>();
  const bases = (n: number) => Array.from({ length: n }, () => 'ACGTacgtN'[Math.floor(rand() * 9)]).join('');
  seqs.set('chr1', bases(150_000));
  for (let i = 0; i < 400; i++) seqs.set(`scaffold_${i}`, bases(Math.round(100 * 20 ** rand())));
  seqs.set('chr2', bases(90_001));
  const path = join(tmp.dir, name);
  writeFileSync(path, [...seqs].map(([n, s]) => `>${n} some description\n${s.match(/.{1,60}/g)!.join('\n')}\n`).join(''));
  sh('samtools', ['faidx', path]);
  return { path, seqs };
}

test('short reads in file order (served from read-ahead blocks) and scattered ones return the sequence', async () => {
  const rand = mulberry32(99);
  const { path, seqs } = scaffoldedFasta('scaffolds.fa', rand);
  const fasta = await IndexedFastaSource.open({ fasta: path });
  try {
    for (const [name, s] of seqs) assert.equal(Buffer.from(await fasta.read(name, 0, s.length)).toString('latin1'), s, name);
    // Into a larger buffer at an offset, as the pipeline reads a packed input.
    const out = new Uint8Array(4000).fill(0x2a);
    const s7 = seqs.get('scaffold_7')!;
    await fasta.read('scaffold_7', 0, s7.length, out, 100);
    assert.equal(Buffer.from(out.subarray(100, 100 + s7.length)).toString('latin1'), s7);
    assert.equal(out[99], 0x2a, 'nothing written before the offset');
    // Scattered slices, backwards and forwards.
    const names = [...seqs.keys()];
    for (let k = 0; k < 300; k++) {
      const name = names[Math.floor(rand() * names.length)]!;
      const s = seqs.get(name)!;
      const start = Math.floor(rand() * s.length);
      const end = start + Math.floor(rand() * (s.length - start + 1));
      assert.equal(Buffer.from(await fasta.read(name, start, end)).toString('latin1'), s.slice(start, end), `${name}:${start}-${end}`);
    }
  } finally {
    await fasta.close();
  }
});

test('a read-ahead block still checks every base, and a file cut short is reported, not padded', async () => {
  const rand = mulberry32(5);
  const { path, seqs } = scaffoldedFasta('cut.fa', rand);
  const fasta = await IndexedFastaSource.open({ fasta: path });
  try {
    // Cut the file inside scaffold_300 after opening (the index was checked at open).
    const names = [...seqs.keys()];
    const fai = sh('cut', ['-f1,3', `${path}.fai`]).trim().split('\n').map((l) => l.split('\t'));
    const offset = Number(fai.find(([n]) => n === 'scaffold_300')![1]);
    truncateSync(path, offset + 30);
    let failed: unknown;
    for (const name of names) {
      try {
        await fasta.read(name, 0, seqs.get(name)!.length);
      } catch (err) {
        failed = { name, err };
        break;
      }
    }
    const { name, err } = failed as { name: string; err: unknown };
    assert.equal(name, 'scaffold_300');
    assert.ok(err instanceof InputError && err.code === 'fasta_truncated', String(err));
  } finally {
    await fasta.close();
  }
  // A bad byte in a short record read through a block.
  const { path: badPath, seqs: badSeqs } = scaffoldedFasta('bad.fa', mulberry32(6));
  const text = Buffer.from(sh('cat', [badPath]), 'latin1');
  const at = text.indexOf('>scaffold_200 ');
  text[text.indexOf('\n', at) + 3] = 'J'.charCodeAt(0);
  writeFileSync(badPath, text);
  const bad = await IndexedFastaSource.open({ fasta: badPath });
  try {
    await assert.rejects(async () => {
      for (const [n, s] of badSeqs) await bad.read(n, 0, s.length);
    }, (err: unknown) => err instanceof InputError && err.code === 'fasta_invalid_character' && /scaffold_200, base 3\b/.test(err.message));
  } finally {
    await bad.close();
  }
});
