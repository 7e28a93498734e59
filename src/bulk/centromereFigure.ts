import type { Bp, Chromosome } from '../genome.js';

/** One centromere call of a variety: a BED interval (0-based half-open) and its score. */
export interface CentromereCall {
  chrom: string;
  start: Bp;
  end: Bp;
  /** The BED score column, round(1000 × mean probability). */
  score: number;
}

/** A variety as drawn: its chromosomes (FASTA order) and its centromere calls. */
export interface FigureVariety {
  name: string;
  chromosomes: readonly Chromosome[];
  calls: readonly CentromereCall[];
}

const MARGIN = 16;
const TITLE_H = 72;
const PANEL_W = 300;
const HEADER_H = 18;
const AXIS_H = 26;
const GAP_X = 28;
const GAP_Y = 14;
const FOOT_H = 20;
const AXIS_UNIT_W = 22;
const MAX_COLUMNS = 4;
/** Rows get thinner as varieties are added until this plot height, then the figure grows. */
const TARGET_PLOT_H = 360;
const MAX_ROW_H = 12;
/** Below this row height there is no room for a readable label per variety. */
const MIN_LABEL_ROW_H = 8;
/** At most this many names in the footnote listing chromosomes without any call. */
const FOOTNOTE_NAMES = 8;

/**
 * The centromere figure of a panel, as a standalone SVG document: one panel per chromosome
 * that has a call in at least one variety (first-seen FASTA order, in a grid of up to 4
 * columns); chromosomes without any call are named in a footnote. In each panel one row per
 * variety, in the given order: a grey line for the chromosome's length and a red rectangle
 * per call, drawn to a bp scale shared by the panel's rows (the panel's longest length of
 * that chromosome), with Mb ticks. Rows thin down to 1 px as varieties are added, after
 * which the figure grows taller; per-row labels are dropped once rows are too thin to read
 * (the tooltip of each rectangle still names its variety). Each call rectangle carries
 * data-variety, data-chrom, data-start and data-end (BED coordinates). Pure and
 * deterministic: the same input gives the same bytes.
 */
export function renderCentromereFigure(varieties: readonly FigureVariety[]): string {
  const order: string[] = [];
  const maxLength = new Map<string, Bp>();
  for (const v of varieties) {
    for (const c of v.chromosomes) {
      if (!maxLength.has(c.name)) order.push(c.name);
      maxLength.set(c.name, Math.max(maxLength.get(c.name) ?? 0, c.length));
    }
  }
  const called = new Set(varieties.flatMap((v) => v.calls.map((c) => c.chrom)));
  const panels = order.filter((name) => called.has(name));
  const uncalled = order.filter((name) => !called.has(name));

  const n = varieties.length;
  const rowH = Math.max(1, Math.min(MAX_ROW_H, Math.floor(TARGET_PLOT_H / Math.max(1, n))));
  const plotH = rowH * Math.max(1, n);
  const showLabels = rowH >= MIN_LABEL_ROW_H;
  const labelFont = Math.min(11, rowH - 1);
  const longestName = varieties.reduce((m, v) => Math.max(m, v.name.length), 0);
  // Left of the first column: variety names, or row numbers when the names are dropped.
  const leftW = showLabels ? Math.min(180, Math.ceil(longestName * labelFont * 0.62) + 10) : 44;
  const columns = Math.max(1, Math.min(MAX_COLUMNS, panels.length));
  const gridRows = Math.max(1, Math.ceil(panels.length / columns));
  const cellH = HEADER_H + plotH + AXIS_H;
  // The last column's axis unit ('Mb') sits past its plot, in room the gap gives the others.
  const width = MARGIN * 2 + leftW + columns * PANEL_W + (columns - 1) * GAP_X + AXIS_UNIT_W;
  const footH = uncalled.length ? FOOT_H : 0;
  const height = MARGIN * 2 + TITLE_H + gridRows * cellH + (gridRows - 1) * GAP_Y + footH;

  const out: string[] = [];
  out.push(
    `<?xml version="1.0" encoding="UTF-8"?>\n`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">\n`,
    `<style>.t{font-size:18px;font-weight:bold}.s{font-size:12px;fill:#444}.h{font-size:12px;font-weight:bold}` +
      `.m{font-size:10px;fill:#666}.a{font-size:10px;fill:#333}.l{font-size:${labelFont}px;fill:#222}` +
      `.f{fill:#fafafa;stroke:#ddd}.k{stroke:#555}.g{fill:none;stroke:${rowH < 3 ? '#d0d0d0' : '#a0a0a0'}}.c rect{fill:#c62828}.c rect:hover{fill:#0d47a1}</style>\n`,
    `<rect width="${width}" height="${height}" fill="#fff"/>\n`,
  );

  const callCount = varieties.reduce((s, v) => s + v.calls.length, 0);
  out.push(
    `<text class="t" x="${MARGIN}" y="${MARGIN + 18}">Centromere calls</text>\n`,
    `<text class="s" x="${MARGIN}" y="${MARGIN + 38}">${esc(
      `${count(n, 'variety', 'varieties')} (top to bottom in manifest order) × ${count(panels.length, 'chromosome')} with a call; ${count(callCount, 'call')}.`,
    )}</text>\n`,
    `<text class="s" x="${MARGIN}" y="${MARGIN + 54}">${esc(
      `Grey line: chromosome length; red bar: centromere call. Each panel has its own scale, in Mb.` +
        (showLabels || n === 0 ? '' : ' Row numbers at left; hover a bar for its variety.'),
    )}</text>\n`,
  );
  if (panels.length === 0) {
    out.push(`<text class="s" x="${MARGIN}" y="${MARGIN + TITLE_H + 16}">No centromere calls.</text>\n`);
  }

  const rowsByChrom = new Map<string, { row: number; length: Bp }[]>();
  const callsByChrom = new Map<string, { row: number; variety: string; call: CentromereCall }[]>();
  varieties.forEach((v, row) => {
    for (const c of v.chromosomes) push(rowsByChrom, c.name, { row, length: c.length });
    for (const call of v.calls) push(callsByChrom, call.chrom, { row, variety: v.name, call });
  });

  panels.forEach((chrom, p) => {
    const col = p % columns;
    const gridRow = Math.floor(p / columns);
    const px = MARGIN + leftW + col * (PANEL_W + GAP_X);
    const py = MARGIN + TITLE_H + gridRow * (cellH + GAP_Y) + HEADER_H;
    const scaleBp = Math.max(1, maxLength.get(chrom)!);
    const x = (bp: Bp): number => px + (bp / scaleBp) * PANEL_W;
    const rowTop = (row: number): number => py + row * rowH;

    out.push(`<g>\n<text class="h" x="${px}" y="${py - 6}">${esc(chrom)}</text>`);
    out.push(`<text class="m" x="${px + PANEL_W}" y="${py - 6}" text-anchor="end">max ${mb(scaleBp)} Mb</text>\n`);
    out.push(`<rect class="f" x="${px}" y="${py}" width="${PANEL_W}" height="${plotH}"/>\n`);

    if (col === 0) out.push(rowLabels(varieties, showLabels, px, rowTop, rowH));

    // The chromosome lines of all rows as one path: thousands of <line>s would bloat the file.
    const lineW = rowH >= 6 ? 1 : Math.max(1, rowH - 1);
    const segments = (rowsByChrom.get(chrom) ?? []).map(({ row, length }) => `M${num(px)} ${num(rowTop(row) + rowH / 2)}H${num(x(length))}`);
    out.push(`<path class="g" stroke-width="${lineW}" d="${segments.join('')}"/>\n`);

    const barH = rowH >= 6 ? Math.round(rowH * 0.7) : rowH >= 3 ? rowH - 1 : rowH;
    out.push(`<g class="c"${rowH < 3 ? ' shape-rendering="crispEdges"' : ''}>\n`);
    for (const { row, variety, call } of callsByChrom.get(chrom) ?? []) {
      const x0 = x(call.start);
      const w = Math.max(1, x(call.end) - x0);
      const y = rowTop(row) + (rowH - barH) / 2;
      const tip = `${variety} ${call.chrom}:${call.start}-${call.end} length ${call.end - call.start} bp, score ${call.score}`;
      out.push(
        `<rect x="${num(x0)}" y="${num(y)}" width="${num(w)}" height="${barH}" data-variety="${esc(variety)}" data-chrom="${esc(call.chrom)}" ` +
          `data-start="${call.start}" data-end="${call.end}"><title>${esc(tip)}</title></rect>\n`,
      );
    }
    out.push(`</g>\n`);
    out.push(axis(px, py + plotH + 3, scaleBp, x));
    out.push(`</g>\n`);
  });

  if (uncalled.length) {
    const shown = uncalled.slice(0, FOOTNOTE_NAMES).join(', ') + (uncalled.length > FOOTNOTE_NAMES ? `, … (${uncalled.length - FOOTNOTE_NAMES} more)` : '');
    out.push(`<text class="s" x="${MARGIN}" y="${height - MARGIN - 4}">${esc(`No centromere call in any variety (not drawn): ${shown}`)}</text>\n`);
  }
  out.push(`</svg>\n`);
  return out.join('');
}

/** Variety names left of a first-column panel, or every k-th row number when rows are thin. */
function rowLabels(varieties: readonly FigureVariety[], showLabels: boolean, px: number, rowTop: (row: number) => number, rowH: number): string {
  const parts: string[] = [];
  if (showLabels) {
    varieties.forEach((v, row) => {
      parts.push(`<text class="l" x="${px - 4}" y="${num(rowTop(row) + rowH / 2)}" dy="0.35em" text-anchor="end">${esc(v.name)}</text>\n`);
    });
  } else if (varieties.length > 0) {
    const step = niceStep(varieties.length / 8);
    const rows = [0];
    for (let r = step; r < varieties.length; r += step) rows.push(r - 1);
    for (const row of rows) {
      const y = num(rowTop(row) + rowH / 2);
      parts.push(`<text class="a" x="${px - 6}" y="${y}" dy="0.35em" text-anchor="end">${row + 1}</text><path class="k" d="M${px - 4} ${y}H${px}"/>\n`);
    }
  }
  return parts.join('');
}

/** The bp axis under a panel: a baseline and ticks at a 1-2-5 step, labelled in Mb. */
function axis(px: number, y: number, scaleBp: Bp, x: (bp: Bp) => number): string {
  const step = niceStep(scaleBp / 5);
  const decimals = Math.max(0, -Math.floor(Math.log10(step / 1e6) + 1e-9));
  const parts = [`<path class="k" d="M${num(px)} ${y}H${num(x(scaleBp))}"/>`];
  for (let t = 0; t <= scaleBp; t += step) {
    const tx = num(x(t));
    parts.push(`<path class="k" d="M${tx} ${y}V${y + 4}"/><text class="a" x="${tx}" y="${y + 15}" text-anchor="middle">${(t / 1e6).toFixed(decimals)}</text>`);
  }
  parts.push(`<text class="a" x="${num(x(scaleBp) + 6)}" y="${y + 4}" dy="0.35em">Mb</text>`);
  return parts.join('') + '\n';
}

/** The smallest 1, 2 or 5 × 10^k that is ≥ `value` (and ≥ 1). */
function niceStep(value: number): number {
  if (!(value > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A coordinate with at most 2 decimals (enough for a screen, and keeps the file small). */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function mb(bp: Bp): string {
  return (bp / 1e6).toFixed(bp >= 1e7 ? 1 : bp >= 1e5 ? 2 : 3);
}

/** Text and attribute values for XML (control characters, which XML 1.0 forbids, become '?'). */
function esc(s: string): string {
  return s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '?').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
