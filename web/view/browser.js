// The genome browser both pages show: an igv.js browser built from a view session
// (GET …/session.json: reference, tracks, top calls, notes). Plain ES module, no build step;
// igv.js is served by the same server from its npm package.
import igv from './igv.esm.min.js';

const absolute = (url) => new URL(url, location.href).href;

/** igv's 1-based, inclusive locus of a BED call, with a tenth of its width on either side. */
export function locusOf(call) {
  const pad = Math.max(50, Math.round((call.end - call.start) / 10));
  return `${call.chrom}:${Math.max(1, call.start + 1 - pad)}-${call.end + pad}`;
}

/** The igv configuration of a session; every fetch carries the token when there is one. */
export function igvOptions(session, token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : undefined;
  const ref = session.reference;
  const reference =
    'chromSizesURL' in ref
      ? { id: ref.id, name: ref.id, format: 'chromsizes', fastaURL: absolute(ref.chromSizesURL), headers }
      : {
          id: ref.id,
          name: ref.id,
          fastaURL: absolute(ref.fastaURL),
          indexURL: absolute(ref.indexURL),
          ...(ref.compressedIndexURL ? { compressedIndexURL: absolute(ref.compressedIndexURL) } : {}),
          headers,
        };
  const tracks = session.tracks.map((t) =>
    t.format === 'bed'
      ? { name: t.name, type: 'annotation', format: 'bed', url: absolute(t.url), indexed: false, displayMode: 'EXPANDED', headers }
      : { name: t.name, type: 'wig', format: 'bigwig', url: absolute(t.url), height: 60, headers },
  );
  const locus = session.topCalls.length ? session.topCalls.map(locusOf) : undefined;
  return { reference, tracks, locus, showSVGButton: false, loadDefaultGenomes: false };
}

/**
 * Creates the browser in `div` (replacing one shown before) and exposes it as
 * window.igvBrowser, so tests and users' consoles can ask it what it shows.
 */
export async function showSession(div, session, token, locus) {
  // igv's chrom.sizes loader passes no per-config headers: the token goes by host too.
  if (token) igv.setOauthToken(token, location.hostname);
  if (window.igvBrowser) igv.removeBrowser(window.igvBrowser);
  window.igvBrowser = undefined;
  div.replaceChildren();
  const options = igvOptions(session, token);
  if (locus) options.locus = locus;
  const browser = await igv.createBrowser(div, options);
  window.igvBrowser = browser;
  return browser;
}

/** Buttons jumping to each label's top call, and one showing them all side by side. */
export function renderTopCalls(nav, session, browser) {
  nav.replaceChildren();
  if (!session.topCalls.length) return;
  const button = (text, title, loci) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.title = title;
    b.addEventListener('click', () => browser.search(loci.join(' ')));
    nav.append(b);
  };
  const label = document.createElement('span');
  label.textContent = 'Top call:';
  nav.append(label);
  for (const c of session.topCalls) {
    button(`${c.label} ${c.chrom}:${(c.start + 1).toLocaleString()}-${c.end.toLocaleString()}`, `score ${c.score}`, [locusOf(c)]);
  }
  if (session.topCalls.length > 1) button('all side by side', 'one panel per label', session.topCalls.map(locusOf));
}

export function renderNotes(list, notes) {
  list.replaceChildren(
    ...notes.map((n) => {
      const li = document.createElement('li');
      li.textContent = n;
      return li;
    }),
  );
}

/** Sets the page state tests and scripts wait on: loading, ready, waiting, needs-token, error. */
export function setState(state, message) {
  document.body.dataset.viewState = state;
  const status = document.getElementById('status');
  if (status) status.textContent = message ?? '';
}
