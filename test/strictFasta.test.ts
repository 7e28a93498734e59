/**
 * The FASTA rules, through the CLI and over real HTTP: nothing silently wrong (characters
 * that are no nucleotide code, line layouts that disagree with the .fai, duplicate names,
 * names BED readers would skip, FASTQ, damaged bgzip or a foreign .gzi are each refused
 * with a message naming file, chromosome and offset), and legal files read (UTF-8 names,
 * very long header lines, CRLF, IUPAC codes in either case).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mulberry32 } from '../src/simulate/random.js';
import { runCli, sh, tempDir } from './helpers.js';
import { errorBody, startServer, uploadForm, uploadLeftovers, type Server } from './serverHarness.js';

interface Rec {
  header: string;
  seq: string;
}

let tmp: ReturnType<typeof tempDir>;
let server: Server;
let count = 0;

before(async () => {
  tmp = tempDir('genomeinfer-strictfasta-');
  server = await startServer(join(tmp.dir, 'state'), ['--model', 'example-cpg', '--model', 'example-kmer']);
});

after(async () => {
  await server?.stop();
  tmp.cleanup();
});

/** Random ACGT (seeded), `n` bases. */
function bases(n: number, seed: number): string {
  const rand = mulberry32(seed);
  let s = '';
  for (let i = 0; i < n; i++) s += 'ACGT'[Math.floor(rand() * 4)];
  return s;
}

const DEFAULT: Rec[] = [
  { header: 'chr1', seq: bases(12_000, 1) },
  { header: 'chr2', seq: bases(8_000, 2) },
];

/** FASTA text, `width` bases a line, lines ended by `eol`. */
function fastaText(records: Rec[], width = 60, eol = '\n'): string {
  return records.map((r) => `>${r.header}${eol}${(r.seq.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(eol)}${eol}`).join('');
}

/** Writes a FASTA (and, unless `index` is false, its samtools .fai); returns its path. */
function writeFasta(text: string | Buffer, index = true, name = `g${++count}.fa`): string {
  const dir = join(tmp.dir, `case-${count}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, text);
  if (index) sh('samtools', ['faidx', path]);
  return path;
}

/** `text` with the byte at `at` replaced by `char`. */
const replaceAt = (text: string, at: number, char: string) => text.slice(0, at) + char + text.slice(at + 1);

function cliPredict(fasta: string, extra: string[] = []) {
  const out = join(tmp.dir, `out-${++count}`);
  mkdirSync(out);
  const r = runCli(['predict', '--model', 'example-cpg', '--fasta', fasta, '--out', join(out, 'r.bed'), '--device', 'cpu', '--workers', '1', ...extra]);
  return { ...r, out, bed: join(out, 'r.bed') };
}

/** The CLI fails with one error line containing every needle, and writes nothing. */
function expectCliError(fasta: string, needles: (string | RegExp)[], extra: string[] = []): string {
  const r = cliPredict(fasta, extra);
  assert.notEqual(r.status, 0, `expected failure; stderr: ${r.stderr}`);
  // Errors found while reading come after the run's log lines: one error line, the last.
  const errors = r.stderr.trimEnd().split('\n').filter((l) => l.startsWith('genomeinfer: error: '));
  assert.equal(errors.length, 1, r.stderr);
  const line = errors[0]!;
  assert.ok(r.stderr.trimEnd().endsWith(line), r.stderr);
  for (const n of needles) {
    if (typeof n === 'string') assert.ok(line.includes(n), `lacks ${JSON.stringify(n)}: ${line}`);
    else assert.match(line, n);
  }
  assert.deepEqual(readdirSync(r.out), [], 'nothing written');
  return line;
}

/** Uploaded to POST /v1/predict: 400 with `code`, the message naming the uploaded file and every needle. */
async function expectHttpError(fasta: string, code: string, needles: (string | RegExp)[], files: Record<string, string> = {}, model = 'example-cpg'): Promise<void> {
  const form = await uploadForm({ fasta, fai: `${fasta}.fai`, ...files });
  const res = await fetch(`${server.url}/v1/predict?model=${model}`, { method: 'POST', body: form });
  const body = await errorBody(res);
  assert.equal(res.status, 400, JSON.stringify(body));
  assert.equal(body.error, code, body.message);
  const name = fasta.split('/').at(-1)!;
  assert.ok(body.message.includes(`'${name}' (field fasta)`), `message names the upload: ${body.message}`);
  assert.ok(!body.message.includes(tmp.dir) && !body.message.includes(server.stateDir), `no server path: ${body.message}`);
  for (const n of needles) {
    if (typeof n === 'string') assert.ok(body.message.includes(n), `lacks ${JSON.stringify(n)}: ${body.message}`);
    else assert.match(body.message, n);
  }
  assert.deepEqual(uploadLeftovers(server.stateDir), []);
}

describe('characters that are no nucleotide code', () => {
  const cases = [
    { what: 'a protein sequence', char: 'E', seq: 'chr2', base: 101 },
    { what: 'a digit', char: '7', seq: 'chr1', base: 5_000 },
    { what: "'!'", char: '!', seq: 'chr2', base: 7_999 },
    { what: "'-' (an alignment gap)", char: '-', seq: 'chr1', base: 1 },
    { what: 'a space inside a line', char: ' ', seq: 'chr1', base: 600 },
    { what: 'a NUL byte', char: '\0', seq: 'chr1', base: 12_000 },
  ];
  for (const c of cases) {
    test(`${c.what}: refused naming file, chromosome, base and byte offset (CLI and HTTP)`, async () => {
      const text = fastaText(DEFAULT);
      // Byte offset of base `base` (1-based) of the sequence: its header line, then 61-byte lines.
      const seqStart = text.indexOf(`>${c.seq}\n`) + c.seq.length + 2;
      const offset = seqStart + Math.floor((c.base - 1) / 60) * 61 + ((c.base - 1) % 60);
      // Indexed before the byte was damaged: the .fai is right for every offset.
      const fasta = writeFasta(text);
      writeFileSync(fasta, replaceAt(text, offset, c.char));
      const needles = [`sequence ${c.seq}`, `base ${c.base} `, `byte offset ${offset}`, 'no nucleotide code', 'A C G T U N'];
      expectCliError(fasta, [fasta, ...needles]);
      await expectHttpError(fasta, 'fasta_invalid_character', needles);
      if (c.char === '!') {
        // A k-mer track model reads the FASTA on feature worker threads: still a 400, not a 500.
        await expectHttpError(fasta, 'fasta_invalid_character', needles, {}, 'example-kmer');
      }
    });
  }

  test('a protein FASTA from its first line', async () => {
    const fasta = writeFasta(fastaText([{ header: 'sp|P69905|HBA_HUMAN', seq: 'MVLSPADKTNVKAAWGKVGAHAGEYGAEALERMFLSFPTTKTYFPHFDLSHGSAQVKGHGKKVADALTNAVAHV' }]));
    // M and V are IUPAC codes too: the first letter that is none is the L at base 3.
    expectCliError(fasta, ['sequence sp|P69905|HBA_HUMAN', 'base 3 ', "'L'", 'no nucleotide code', 'protein']);
  });
});

describe('line layouts that disagree with the .fai (offsets unchanged)', () => {
  test('one inner line a base short and the next a base long', async () => {
    const good = fastaText(DEFAULT);
    const fasta = writeFasta(good); // indexed as written: 60 bases a line
    // Move the line end of chr1's line 10 one base earlier: same bytes, same offsets after it.
    const seqStart = good.indexOf('\n') + 1;
    const lineEnd = seqStart + 10 * 61 - 1;
    const shifted = good.slice(0, lineEnd - 1) + '\n' + good[lineEnd - 1] + good.slice(lineEnd + 1);
    assert.equal(shifted.length, good.length);
    writeFileSync(fasta, shifted);
    const needles = ['sequence chr1', 'line 10 of the sequence', `byte offset ${lineEnd - 1}`, 'does not match its index'];
    expectCliError(fasta, [fasta, `${fasta}.fai`, ...needles]);
    await expectHttpError(fasta, 'fasta_line_width_mismatch', needles);
  });

  test('one inner line a base long and the next a base short', async () => {
    const good = fastaText(DEFAULT);
    const fasta = writeFasta(good);
    const seqStart = good.indexOf('>chr2');
    const chr2Bases = seqStart + 6;
    const lineEnd = chr2Bases + 3 * 61 - 1; // end of chr2's line 3
    const shifted = good.slice(0, lineEnd) + good[lineEnd + 1] + '\n' + good.slice(lineEnd + 2);
    writeFileSync(fasta, shifted);
    expectCliError(fasta, ['sequence chr2', 'line 3 of the sequence', `byte offset ${lineEnd}`, 'does not match its index']);
  });

  test('CRLF lines indexed as LF lines', async () => {
    const fasta = writeFasta(fastaText(DEFAULT));
    writeFileSync(fasta, fastaText(DEFAULT, 60, '\r\n'));
    expectCliError(fasta, [`${fasta}.fai`, 'does not match', 'sequence chr1']);
  });
});

describe('duplicate and reader-skipped sequence names', () => {
  test('a name used twice (samtools indexes only the first): refused naming it and the byte of the second header', async () => {
    const records = [DEFAULT[0]!, DEFAULT[1]!, { header: 'chr1 second copy', seq: bases(3_000, 9) }];
    const text = fastaText(records);
    const fasta = writeFasta(text);
    assert.equal(readFileSync(`${fasta}.fai`, 'utf8').trim().split('\n').length, 2, 'samtools dropped the duplicate');
    const needles = ['sequence name chr1', 'two records', `byte ${text.lastIndexOf('>chr1')}`];
    expectCliError(fasta, [fasta, ...needles]);
    await expectHttpError(fasta, 'fasta_duplicate_name', needles);
  });

  test('a name listed twice in the .fai', async () => {
    const fasta = writeFasta(fastaText(DEFAULT));
    const fai = readFileSync(`${fasta}.fai`, 'utf8');
    writeFileSync(`${fasta}.fai`, fai + fai.split('\n')[0] + '\n');
    expectCliError(fasta, ['sequence name chr1 appears twice', 'lines 1 and 3']);
  });

  for (const name of ['#chrA', 'track', 'browser', 'track_2', 'browserScaffold']) {
    test(`a sequence named ${name}: refused, since BED readers skip such lines`, async () => {
      const fasta = writeFasta(fastaText([DEFAULT[0]!, { header: name, seq: bases(5_000, 3) }]));
      const needles = [`sequence name ${name}`, "'#', 'track' or 'browser'", 'rename'];
      expectCliError(fasta, [fasta, ...needles]);
      await expectHttpError(fasta, 'fasta_name_unsafe', needles);
    });
  }
});

describe('not FASTA, or a damaged bgzip', () => {
  test('FASTQ given as FASTA: the message says FASTQ', async () => {
    const reads = Array.from({ length: 20 }, (_, i) => `@read${i}\n${bases(100, i)}\n+\n${'I'.repeat(100)}\n`).join('');
    const fasta = writeFasta(reads, false, 'reads.fq');
    sh('samtools', ['fqidx', fasta]);
    writeFileSync(`${fasta}.fai`, readFileSync(`${fasta}.fai`));
    expectCliError(fasta, [fasta, 'is FASTQ', 'not FASTA', 'samtools fasta']);
    await expectHttpError(fasta, 'fasta_is_fastq', ['is FASTQ']);
    // Compressed FASTQ too.
    const gz = writeFasta('', false, 'reads.fq.gz');
    sh('bash', ['-c', 'bgzip -c "$1" > "$2"', '_', fasta, gz]);
    expectCliError(gz, [gz, 'is FASTQ']);
  });

  test('some other file given as FASTA', async () => {
    const fasta = writeFasta('chr1\t0\t100\tregion\n', false, 'regions.bed');
    writeFileSync(`${fasta}.fai`, 'chr1\t100\t0\t60\t61\n');
    expectCliError(fasta, [fasta, 'is not FASTA', "starts with \"chr1"]);
  });

  test('a truncated bgzip FASTA: 400 naming the file and what to do, not 500 or a bare zlib message', async () => {
    const plain = writeFasta(fastaText([{ header: 'chr1', seq: bases(300_000, 5) }]), false);
    const gz = `${plain}.gz`;
    sh('bash', ['-c', 'bgzip -c "$1" > "$2" && samtools faidx "$2"', '_', plain, gz]);
    const bytes = readFileSync(gz);
    for (const keep of [Math.floor(bytes.length / 2), bytes.length - 40]) {
      const cut = `${gz.slice(0, -6)}-cut${keep}.fa.gz`;
      writeFileSync(cut, bytes.subarray(0, keep));
      writeFileSync(`${cut}.fai`, readFileSync(`${gz}.fai`));
      writeFileSync(`${cut}.gzi`, readFileSync(`${gz}.gzi`));
      const line = expectCliError(cut, [cut, 'truncated', 'bgzip -t']);
      assert.ok(!/^genomeinfer: error: unexpected end of file$/.test(line));
      await expectHttpError(cut, 'fasta_truncated', ['truncated', 'bgzip -t'], { gzi: `${cut}.gzi` });
    }
  });

  test("a bgzip FASTA with another file's .gzi: 400 naming both", async () => {
    const a = writeFasta(fastaText([{ header: 'chr1', seq: bases(300_000, 6) }]), false);
    const b = writeFasta(fastaText([{ header: 'chr1', seq: bases(300_000, 7) + 'ACGT'.repeat(5000) }]), false);
    for (const p of [a, b]) sh('bash', ['-c', 'bgzip -c "$1" > "$1.gz" && samtools faidx "$1.gz"', '_', p]);
    writeFileSync(`${a}.gz.gzi`, readFileSync(`${b}.gz.gzi`));
    expectCliError(`${a}.gz`, [`${a}.gz.gzi`, `does not belong to ${a}.gz`, 'samtools faidx']);
    await expectHttpError(`${a}.gz`, 'fasta_gzi_mismatch', ["'g", '(field gzi)', 'does not belong to'], { gzi: `${a}.gz.gzi` });
  });
});

describe('legal files that must be read', () => {
  test('UTF-8 sequence names: predicted, the BED names them as the FASTA does (CLI and HTTP)', async () => {
    const names = ['chrÅ', '染色体1', 'scaffold_ñ-2'];
    const fasta = writeFasta(fastaText(names.map((header, i) => ({ header: `${header} description é`, seq: bases(10_000, 20 + i) }))));
    const r = cliPredict(fasta);
    assert.equal(r.status, 0, r.stderr);
    const form = await uploadForm({ fasta, fai: `${fasta}.fai` });
    const res = await fetch(`${server.url}/v1/predict?model=example-cpg`, { method: 'POST', body: form });
    assert.equal(res.status, 200, await res.clone().text());
    const bed = await res.text();
    assert.equal(bed, readFileSync(r.bed, 'utf8'));
    // Every chromosome with a region is named exactly as in the FASTA.
    for (const chrom of new Set(bed.split('\n').filter(Boolean).map((l) => l.split('\t')[0]))) assert.ok(names.includes(chrom!), chrom);
  });

  test('a 100,000-character header line', async () => {
    const long = `chr1 ${'x'.repeat(100_000)}`;
    const fasta = writeFasta(fastaText([{ header: long, seq: bases(10_000, 30) }, { header: `chr2 ${'y'.repeat(150_000)}`, seq: bases(5_000, 31) }]));
    const r = cliPredict(fasta);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(r.bed));
  });

  test('CRLF line ends, lowercase, IUPAC codes and U, blank lines between records', async () => {
    const seq = bases(9_000, 40).toLowerCase() + 'NNNNRYSWKMBDHVUacgtn' + bases(3_000, 41);
    const text = fastaText([{ header: 'chr1', seq }, { header: 'chr2', seq: bases(4_000, 42) }], 70, '\r\n').replace('\r\n>chr2', '\r\n\r\n>chr2');
    const fasta = writeFasta(text);
    const r = cliPredict(fasta);
    assert.equal(r.status, 0, r.stderr);
  });
});
