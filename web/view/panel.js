// `genomeinfer view DIR`: a variety picker, the variety's tracks in igv, and the panel
// summary (centromere matrix and figure, the summary tables) whose cells open a locus.
// Page state lives in the URL fragment (#variety=V&locus=chr:start-end), so every link
// is a plain link and the back button works.
import { renderNotes, renderTopCalls, setState, showSession } from './browser.js';

let shown = { variety: undefined, browser: undefined };
/** Variety directories the server could not read, shown above every variety's notes. */
let problems = [];
const el = (id) => document.getElementById(id);

function state() {
  const p = new URLSearchParams(location.hash.slice(1));
  return { variety: p.get('variety') ?? undefined, locus: p.get('locus') ?? undefined };
}

export const locusHref = (variety, chrom, start, end) => {
  const p = new URLSearchParams({ variety });
  if (chrom) p.set('locus', start === undefined ? chrom : `${chrom}:${Number(start) + 1}-${end}`);
  return `#${p}`;
};

function link(text, href, title) {
  const a = document.createElement('a');
  a.textContent = text;
  a.href = href;
  if (title) a.title = title;
  return a;
}

const mb = (bp) => (Number(bp) / 1e6).toFixed(2);

/** centromeres.tsv as a variety × chromosome grid; each cell links to its call (or the chromosome). */
function renderMatrix(table) {
  const col = Object.fromEntries(table.columns.map((c, i) => [c, i]));
  const varieties = [];
  const chroms = [];
  const cells = new Map();
  for (const row of table.rows) {
    const [v, chrom] = [row[col.variety], row[col.chrom]];
    if (!varieties.includes(v)) varieties.push(v);
    if (!chroms.includes(chrom)) chroms.push(chrom);
    const key = `${v}\t${chrom}`;
    cells.set(key, [...(cells.get(key) ?? []), row]);
  }
  const t = document.createElement('table');
  t.id = 'centromere-matrix';
  const head = t.createTHead().insertRow();
  head.append(Object.assign(document.createElement('th'), { textContent: 'variety' }));
  for (const c of chroms) head.append(Object.assign(document.createElement('th'), { textContent: c }));
  const body = t.createTBody();
  for (const v of varieties) {
    const tr = body.insertRow();
    const name = document.createElement('th');
    name.append(link(v, locusHref(v)));
    tr.append(name);
    for (const c of chroms) {
      const td = tr.insertCell();
      td.dataset.variety = v;
      td.dataset.chrom = c;
      for (const row of cells.get(`${v}\t${c}`) ?? []) {
        const [start, end, score] = [row[col.start], row[col.end], row[col.score]];
        if (start === '.') td.append(link('no call', locusHref(v, c), `${v} ${c}: no centromere call; opens the chromosome`));
        else td.append(link(`${mb(start)}–${mb(end)} Mb`, locusHref(v, c, start, end), `${v} ${c}:${Number(start) + 1}-${end}, score ${score}`));
        td.append(' ');
      }
    }
  }
  const h = Object.assign(document.createElement('h2'), { textContent: 'Centromere calls (Mb; a cell opens the locus)' });
  el('matrix').append(h, t);
}

/** Any summary table; a row with variety (and chrom/start/end) links there. */
function renderTable(table) {
  const col = Object.fromEntries(table.columns.map((c, i) => [c, i]));
  const t = document.createElement('table');
  t.dataset.name = table.name;
  const head = t.createTHead().insertRow();
  for (const c of table.columns) head.append(Object.assign(document.createElement('th'), { textContent: c }));
  const body = t.createTBody();
  for (const row of table.rows) {
    const tr = body.insertRow();
    row.forEach((value, i) => {
      const td = tr.insertCell();
      if (i === col.variety) td.append(link(value, locusHref(value)));
      else if (i === col.chrom && col.variety !== undefined && row[col.start] !== undefined && row[col.start] !== '.') {
        td.append(link(value, locusHref(row[col.variety], value, row[col.start], row[col.end])));
      } else td.textContent = value;
    });
  }
  const h = document.createElement('h2');
  h.append(`${table.name} `, link('(TSV)', table.url));
  el('tables').append(h, t);
}

/** The centromere SVG, inline so a call's rectangle opens its locus; stripped of anything active first. */
async function renderFigure(url) {
  const text = await fetch(url).then((r) => r.text());
  const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
  if (svg.nodeName !== 'svg') return;
  for (const bad of svg.querySelectorAll('script, foreignObject, iframe, object, embed')) bad.remove();
  for (const node of [svg, ...svg.querySelectorAll('*')]) {
    for (const attr of [...node.attributes]) if (/^on/i.test(attr.name) || /href$/i.test(attr.name)) node.removeAttribute(attr.name);
  }
  const figure = document.importNode(svg, true);
  figure.addEventListener('click', (event) => {
    const r = event.target.closest('[data-variety]');
    if (r) location.hash = locusHref(r.dataset.variety, r.dataset.chrom, r.dataset.start, r.dataset.end);
  });
  el('figure').append(Object.assign(document.createElement('h2'), { textContent: 'Centromere figure (a call opens its locus)' }), figure);
}

async function show() {
  const want = state();
  const picker = el('variety');
  const variety = want.variety ?? picker.options[0]?.value;
  if (!variety) return setState('error', 'no finished variety in this directory');
  picker.value = variety;
  if (shown.variety === variety && shown.browser) {
    if (want.locus) shown.browser.search(want.locus);
    return;
  }
  setState('loading', `loading ${variety}…`);
  const res = await fetch(`/view/varieties/${encodeURIComponent(variety)}/session.json`);
  if (!res.ok) return setState('error', `${res.status}: ${(await res.json()).message}`);
  const session = await res.json();
  const browser = await showSession(el('igv'), session, undefined, want.locus);
  shown = { variety, browser };
  renderTopCalls(el('calls'), session, browser);
  renderNotes(el('notes'), [...problems, ...session.notes]);
  setState('ready', session.title);
}

async function main() {
  const overview = await fetch('/view/panel.json').then((r) => r.json());
  el('title').textContent = `genomeinfer · ${overview.title}`;
  const picker = el('variety');
  for (const v of overview.varieties) picker.append(new Option(`${v.name} (${(v.bases / 1e6).toFixed(1)} Mb; ${v.models.join(', ')})`, v.name));
  picker.addEventListener('change', () => (location.hash = locusHref(picker.value)));
  for (const table of overview.tables) {
    if (table.name === 'centromeres.tsv') renderMatrix(table);
    renderTable(table);
  }
  if (overview.figureURL) await renderFigure(overview.figureURL);
  problems = overview.problems;
  window.addEventListener('hashchange', () => show().catch(fail));
  await show();
}

const fail = (err) => setState('error', String(err?.message ?? err));
main().catch(fail);
