import { formatRegion } from './genomicRegion.js';
import { importance as baseImportance, type IsmResult } from './ismAttribution.js';

/** Bases per row of the logo, and the layout in px. */
const ROW_BASES = 100;
const BASE_WIDTH = 10;
/** Tallest letter, for the base of largest importance; the others scale linearly. */
const MAX_LETTER = 40;
const MARGIN_LEFT = 90;
const ROW_GAP = 18;
const TITLE = 40;
/** A glyph's cap height as a share of the font size (letters are stretched from it). */
const CAP_HEIGHT = 0.72;
const FONT = 14;
/** Colours of the usual nucleotide logos (A green, C blue, G orange, T red); others grey. */
const COLOURS: Record<string, string> = { A: '#109648', C: '#255c99', G: '#f7b32b', T: '#d62839' };

/**
 * The region as a sequence logo: each reference letter, in order, as tall as its importance,
 * −(mean change of the label's probability when the base is mutated): a base whose loss lowers
 * the probability stands above the line, one whose loss raises it hangs below, upside down.
 * Heights are relative to the region's largest |importance| (stated in the title).
 * Rows of 100 bases, labelled with their first base's 1-based position.
 */
export function sequenceLogoSvg(result: IsmResult): string {
  const importance = baseImportance(result);
  let scale = 0;
  for (const v of importance) scale = Math.max(scale, Math.abs(v));
  const n = result.reference.length;
  const rows = Math.ceil(n / ROW_BASES);
  const rowHeight = 2 * MAX_LETTER + ROW_GAP;
  const width = MARGIN_LEFT + Math.min(n, ROW_BASES) * BASE_WIDTH + 20;
  const height = TITLE + rows * rowHeight;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, monospace">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  const title = `${escapeXml(result.model)} ${escapeXml(result.label)} ${escapeXml(formatRegion(result.region))}: in-silico mutagenesis, letter height = −mean Δ (tallest = ${scale.toPrecision(3)})`;
  parts.push(`<text x="10" y="22" font-size="13" font-family="sans-serif">${title}</text>`);
  for (let r = 0; r < rows; r++) {
    const baseline = TITLE + r * rowHeight + MAX_LETTER;
    const from = r * ROW_BASES;
    const to = Math.min(n, from + ROW_BASES);
    parts.push(`<text x="${MARGIN_LEFT - 8}" y="${baseline + 4}" font-size="11" text-anchor="end" font-family="sans-serif">${result.region.start + from + 1}</text>`);
    parts.push(`<line x1="${MARGIN_LEFT}" x2="${MARGIN_LEFT + (to - from) * BASE_WIDTH}" y1="${baseline}" y2="${baseline}" stroke="#999" stroke-width="0.5"/>`);
    for (let i = from; i < to; i++) {
      const letter = result.reference[i]!;
      const v = importance[i]!;
      const h = scale > 0 ? (MAX_LETTER * Math.abs(v)) / scale : 0;
      const x = MARGIN_LEFT + (i - from) * BASE_WIDTH + BASE_WIDTH / 2;
      const sy = h / (CAP_HEIGHT * FONT);
      // A letter drawn at y=0 sits on the baseline; scaleY stretches it, a negative one flips it below.
      const transform = `translate(${x.toFixed(1)},${baseline}) scale(0.9,${(v < 0 ? -sy : sy).toFixed(4)})`;
      parts.push(`<text class="base" data-pos="${result.region.start + i + 1}" data-importance="${v.toPrecision(6)}" transform="${transform}" font-size="${FONT}" text-anchor="middle" fill="${COLOURS[letter] ?? '#888'}">${escapeXml(letter)}</text>`);
    }
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
