import { open } from 'node:fs/promises';
import { genomeLength, type Bp, type Chromosome } from '../genome.js';
import { mulberry32 } from '../simulate/random.js';

/**
 * A deterministic, rice-flavoured toy genome for the README's example run, the tests and the
 * engine benchmark: background at GC ≈ 43% with CpG depletion, planted CpG islands and
 * promoter-motif clusters (what the example-cpg model scores), soft-masked stretches,
 * occasional IUPAC codes and one assembly gap (a run of N) per chromosome. Written streaming,
 * 60 bases per line, with its .fai.
 */
export const EXAMPLE_CHROMOSOMES: Chromosome[] = [
  { name: 'chr1', length: 2_000_000 },
  { name: 'chr2', length: 1_234_567 },
  { name: 'chr3', length: 600_003 },
  { name: 'chrC', length: 134_525 },
  { name: 'chrM', length: 49_999 },
];

const MOTIFS = ['TATAAAAG', 'CCAATCAG', 'GGGCGGGG', 'CACGTGAC', 'TGACGTCA', 'TTGACCAA'];
const IUPAC = 'RYKMSWN';
const LINE = 60;
const BLOCK = 1000;

type BlockKind = 'background' | 'island' | 'motifs' | 'masked';

function fillBlock(out: Uint8Array, kind: BlockKind, rand: () => number): void {
  const gc = kind === 'island' ? 0.66 : 0.43;
  let prev = 0;
  for (let i = 0; i < out.length; i++) {
    let b: number;
    for (;;) {
      const r = rand();
      b = r < gc / 2 ? 67 : r < gc ? 71 : r < gc + (1 - gc) / 2 ? 65 : 84;
      // Plant genomes are CpG-depleted outside islands: reject most G after C.
      if (!(kind !== 'island' && prev === 67 && b === 71 && rand() < 0.75)) break;
    }
    out[i] = b;
    prev = b;
  }
  if (kind === 'motifs') {
    for (let at = Math.floor(rand() * 40); at + 8 <= out.length; at += 30 + Math.floor(rand() * 40)) {
      const m = MOTIFS[Math.floor(rand() * MOTIFS.length)]!;
      for (let j = 0; j < 8; j++) out[at + j] = m.charCodeAt(j);
    }
  }
  if (kind === 'masked') for (let i = 0; i < out.length; i++) out[i] = out[i]! | 0x20;
  if (rand() < 0.01) out[Math.floor(rand() * out.length)] = IUPAC.charCodeAt(Math.floor(rand() * IUPAC.length));
}

/** Writes `path` and `path.fai`. Never holds more than one output buffer in memory. */
export async function writeExampleGenome(path: string, chromosomes: Chromosome[] = EXAMPLE_CHROMOSOMES, seed = 20261121): Promise<Bp> {
  const rand = mulberry32(seed);
  const fa = await open(path, 'w');
  const fai: string[] = [];
  let offset = 0;
  const buf = Buffer.alloc(1 << 20);
  let used = 0;
  const put = async (bytes: Uint8Array) => {
    if (used + bytes.length > buf.length) {
      await fa.write(buf, 0, used);
      used = 0;
    }
    buf.set(bytes, used);
    used += bytes.length;
  };
  try {
    for (const { name, length } of chromosomes) {
      const header = Buffer.from(`>${name} example genome (genomeinfer, seed ${seed})\n`, 'latin1');
      await put(header);
      offset += header.length;
      fai.push(`${name}\t${length}\t${offset}\t${LINE}\t${LINE + 1}\n`);
      const gapStart = Math.floor(length * 0.4);
      const gapEnd = gapStart + Math.min(30_000, Math.floor(length / 20));
      const block = new Uint8Array(BLOCK);
      const line = new Uint8Array(LINE + 1);
      line[LINE] = 10;
      let lineUsed = 0;
      for (let pos = 0; pos < length; pos += BLOCK) {
        const r = rand();
        fillBlock(block, r < 0.02 ? 'island' : r < 0.03 ? 'motifs' : r < 0.08 ? 'masked' : 'background', rand);
        const n = Math.min(BLOCK, length - pos);
        for (let i = 0; i < n; i++) {
          line[lineUsed++] = pos + i >= gapStart && pos + i < gapEnd ? 78 : block[i]!;
          if (lineUsed === LINE) {
            await put(line);
            lineUsed = 0;
          }
        }
      }
      if (lineUsed > 0) {
        line[lineUsed] = 10;
        await put(line.subarray(0, lineUsed + 1));
        line[LINE] = 10;
      }
      offset += length + Math.ceil(length / LINE);
    }
    await fa.write(buf, 0, used);
  } finally {
    await fa.close();
  }
  const faiHandle = await open(`${path}.fai`, 'w');
  await faiHandle.writeFile(fai.join(''));
  await faiHandle.close();
  return genomeLength(chromosomes);
}
