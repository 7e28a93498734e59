import type { Bp, Chromosome } from '../genome.js';
import { IndexedFastaSource, type FastaPaths } from '../readers/fastaSource.js';
import { AtomicFile } from '../writers/atomicFile.js';
import { FastaWriter } from './fastaWriter.js';
import { mulberry32 } from './random.js';

export interface ScaffoldCut {
  /** How many scaffolds to cut. */
  scaffolds: number;
  /** Scaffold lengths are drawn log-uniformly in [minBp, maxBp] (short-read assemblies are mostly short pieces). */
  minBp: Bp;
  maxBp: Bp;
  seed: number;
}

export interface ScaffoldedGenome {
  /** The source's chromosomes, each shortened by the scaffolds cut from its tail. */
  chromosomes: Chromosome[];
  /** `scaffold_1` …, in FASTA order (after the chromosomes). */
  scaffolds: Chromosome[];
}

/**
 * What a short-read assembly of the same genome looks like: the same bases, but the tail of
 * every chromosome cut into thousands of short scaffolds (benchmarks and tests of per-contig
 * cost). Scaffolds are taken from each chromosome's end in turn, so every chromosome keeps
 * its head; the FASTA holds the heads in source order, then the scaffolds.
 */
export async function writeScaffoldedGenome(source: FastaPaths, outPath: string, cut: ScaffoldCut): Promise<ScaffoldedGenome> {
  const src = await IndexedFastaSource.open(source);
  try {
    const rand = mulberry32(cut.seed);
    const lengths = Array.from({ length: cut.scaffolds }, () => Math.round(cut.minBp * (cut.maxBp / cut.minBp) ** rand()));
    // Scaffold i comes from chromosome i mod n, from its end backwards.
    const n = src.chromosomes.length;
    const taken = src.chromosomes.map(() => 0);
    const pieces = lengths.map((length, i) => {
      const c = i % n;
      taken[c] += length;
      return { source: src.chromosomes[c]!, length, endFromTail: taken[c]! - length };
    });
    const chromosomes = src.chromosomes.map((c, i) => ({ name: c.name, length: c.length - taken[i]! }));
    const short = chromosomes.find((c) => c.length < cut.maxBp);
    if (short) throw new Error(`${short.name}: too short to cut ${cut.scaffolds} scaffolds from`);
    const fasta = await FastaWriter.create(outPath);
    const fai: string[] = [];
    try {
      for (const c of chromosomes) fai.push(await fasta.write(c.name, 'head', await src.read(c.name, 0, c.length)));
      for (const [i, p] of pieces.entries()) {
        const end = p.source.length - p.endFromTail;
        fai.push(await fasta.write(`scaffold_${i + 1}`, `${p.source.name}:${end - p.length}-${end}`, await src.read(p.source.name, end - p.length, end)));
      }
      await fasta.commit();
    } catch (err) {
      await fasta.abort();
      throw err;
    }
    const index = await AtomicFile.create(`${outPath}.fai`);
    await index.write(fai.join(''));
    await index.commit();
    return { chromosomes, scaffolds: pieces.map((p, i) => ({ name: `scaffold_${i + 1}`, length: p.length })) };
  } finally {
    await src.close();
  }
}
