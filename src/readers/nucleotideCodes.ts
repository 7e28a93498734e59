/**
 * The characters a sequence line may hold: A C G T, U, N and the IUPAC ambiguity codes
 * R Y S W K M B D H V, in either case (lowercase is soft-masking). Anything else (digits,
 * '-', '*', '.', 'X', spaces, protein letters such as E F I L P Q) is no nucleotide code: a
 * protein FASTA, an alignment or a damaged file, refused rather than read as N.
 */
export const NUCLEOTIDE_CODES = 'ACGTUNRYSWKMBDHV';

export const IS_NUCLEOTIDE = new Uint8Array(256);
for (const c of NUCLEOTIDE_CODES) {
  IS_NUCLEOTIDE[c.charCodeAt(0)] = 1;
  IS_NUCLEOTIDE[c.toLowerCase().charCodeAt(0)] = 1;
}

export const ACCEPTED_DESCRIPTION = 'A C G T U N and the IUPAC codes R Y S W K M B D H V, in either case';

/** A byte as a message shows it: `'!' (0x21)`, or its name for control characters. */
export function describeByte(b: number): string {
  const hex = `0x${b.toString(16).padStart(2, '0')}`;
  if (b === 0x0a) return `a line end (${hex})`;
  if (b === 0x0d) return `a carriage return (${hex})`;
  if (b === 0x20) return `a space (${hex})`;
  if (b === 0x09) return `a tab (${hex})`;
  return b > 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}' (${hex})` : `byte ${hex}`;
}
