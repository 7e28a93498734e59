/** Sequences with repeats, for the k-mer feature tests. */

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const COMPLEMENT: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A', a: 't', c: 'g', g: 'c', t: 'a' };
export const revcomp = (s: string) => [...s].reverse().map((c) => COMPLEMENT[c] ?? 'N').join('');

export function randomBases(n: number, rand: () => number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += 'ACGT'[Math.floor(rand() * 4)];
  return s;
}

export function mutate(s: string, rate: number, rand: () => number): string {
  return [...s].map((c) => (rand() < rate ? 'ACGT'[Math.floor(rand() * 4)] : c)).join('');
}

/**
 * A chromosome with what makes k-mer features interesting: a TE-like element in identical,
 * diverged and reverse-complement copies, a tandem satellite array of a 155-bp monomer,
 * soft-masked stretches, an N gap and IUPAC codes.
 */
export function repeatRichChromosome(seed: number, length: number): string {
  const rand = rng(seed);
  const te = randomBases(2000, rand);
  const monomer = randomBases(155, rand);
  const parts: string[] = [];
  let total = 0;
  const push = (s: string) => {
    parts.push(s);
    total += s.length;
  };
  while (total < length) {
    const r = rand();
    if (r < 0.1) push(te);
    else if (r < 0.15) push(revcomp(te).toLowerCase());
    else if (r < 0.25) push(mutate(te, 0.02, rand));
    else if (r < 0.3) push(Array.from({ length: 40 }, () => mutate(monomer, 0.01, rand)).join(''));
    else if (r < 0.32) push('N'.repeat(300));
    else if (r < 0.34) push(randomBases(500, rand).replace(/A/g, 'R'));
    else push(randomBases(3000, rand));
  }
  return parts.join('').slice(0, length);
}

