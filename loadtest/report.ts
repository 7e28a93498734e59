import autocannon from 'autocannon';

/** Starts an autocannon run; `ok` fills with each 2xx answer's latency (the shed ones are fast and would hide it). */
export function cannon(options: autocannon.Options): { result: Promise<autocannon.Result>; ok: number[] } {
  const ok: number[] = [];
  let instance!: autocannon.Instance;
  const result = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(options, (err, r) => (err ? reject(err) : resolve(r)));
  });
  instance.on('response', (_client, status, _bytes, responseTime) => {
    if (status >= 200 && status < 300) ok.push(responseTime);
  });
  return { result, ok };
}

export interface Row {
  name: string;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Latency of the 2xx answers alone (the shed ones are fast and would hide it). */
  ok50Ms: number;
  ok99Ms: number;
  s2xx: number;
  s4xx: number;
  s5xx: number;
  timeouts: number;
  errors: number;
  seconds: number;
  /** Status codes other than 2xx, with counts (e.g. 503×120). */
  codes: string;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

export function summarize(name: string, r: autocannon.Result, ok: number[]): Row {
  const sorted = [...ok].sort((a, b) => a - b);
  const codes = Object.entries(r.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, s]) => `${code}×${s.count ?? 0}`)
    .join(' ');
  return {
    name,
    requests: r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'],
    perSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    ok50Ms: Math.round(percentile(sorted, 50)),
    ok99Ms: Math.round(percentile(sorted, 99)),
    s2xx: r['2xx'],
    s4xx: r['4xx'],
    s5xx: r['5xx'],
    seconds: r.duration,
    timeouts: r.timeouts,
    errors: r.errors,
    codes,
  };
}

export function printTable(rows: Row[]): void {
  const header = ['scenario', 'requests', 'req/s', 'p50 ms', 'p99 ms', '2xx p50', '2xx p99', '2xx', '2xx/s', '4xx', '5xx', 'timeouts', 'errors', 'non-2xx codes'];
  const lines = rows.map((r) =>
    [r.name, r.requests, r.perSecond.toFixed(1), r.p50Ms, r.p99Ms, r.ok50Ms, r.ok99Ms, r.s2xx, (r.s2xx / r.seconds).toFixed(1), r.s4xx, r.s5xx, r.timeouts, r.errors, r.codes].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(fmt(header));
  for (const l of lines) console.log(fmt(l));
}
