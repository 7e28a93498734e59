/**
 * Debian's Chromium driven by playwright-core (no browser download): a page that may reach
 * 127.0.0.1 only, recording what it tried to fetch elsewhere, its errors and its responses.
 */
import { chromium, type Browser, type Page, type Response } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

export interface WatchedPage {
  page: Page;
  /** URLs outside 127.0.0.1 the page asked for (aborted: the page must work air-gapped). */
  external: string[];
  /** Uncaught exceptions and console errors. */
  errors: string[];
  responses: Response[];
}

export async function openPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const watched: WatchedPage = { page, external: [], errors: [], responses: [] };
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    watched.external.push(url.href);
    return route.abort();
  });
  page.on('pageerror', (e) => watched.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => void (m.type() === 'error' && watched.errors.push(`console: ${m.text()}`)));
  page.on('response', (r) => void watched.responses.push(r));
  return watched;
}

/** Waits until the page says it is ready (or failed); returns that state and its status line. */
export async function viewState(page: Page, states = ['ready', 'error', 'needs-token']): Promise<{ state: string; status: string }> {
  await page.waitForFunction((want) => want.includes(document.body.dataset.viewState ?? ''), states, { timeout: 20_000 });
  return page.evaluate(() => ({ state: document.body.dataset.viewState ?? '', status: document.getElementById('status')?.textContent ?? '' }));
}

/** The tracks igv reports, as `type:name` (the page exposes its browser as window.igvBrowser). */
export function igvTracks(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const b = (window as unknown as { igvBrowser: { findTracks: (f: (t: { type: string; name?: string }) => boolean) => { type: string; name?: string }[] } }).igvBrowser;
    return b.findTracks((t) => t.type === 'annotation' || t.type === 'wig' || t.type === 'sequence').map((t) => `${t.type}:${t.name ?? ''}`);
  });
}

/** igv's current loci, one per panel, parsed into 0-based half-open intervals. */
export async function igvLoci(page: Page): Promise<{ chrom: string; start: number; end: number }[]> {
  const loci = await page.evaluate(() => {
    const l = (window as unknown as { igvBrowser: { currentLoci: () => string | string[] } }).igvBrowser.currentLoci();
    return Array.isArray(l) ? l : [l];
  });
  return loci.map((l) => {
    const m = /^(.+):(\d+)-(\d+)$/.exec(l.replace(/,/g, ''));
    if (!m) throw new Error(`not a locus: ${l}`);
    return { chrom: m[1]!, start: Number(m[2]) - 1, end: Number(m[3]) };
  });
}
