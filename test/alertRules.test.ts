// The chart's alerts: the PrometheusRule rendered by `helm template` is extracted into a
// Prometheus rules file, checked with `promtool check rules` and unit-tested with
// `promtool test rules` against test/fixtures/alertRules.promtest.yaml (a firing and a silent
// case per alert). promtool comes from Debian's prometheus package (scripts/install-test-deps.sh).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { ROOT, tempDir } from './helpers.js';
import { VALUES, helm, one, render } from './helmRender.js';

const FIXTURE = join(ROOT, 'test/fixtures/alertRules.promtest.yaml');
const tmp = tempDir('genomeinfer-alerts-');

before(() => helm());
after(() => tmp.cleanup());

function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool: ${r.error.message} (install Debian's prometheus: scripts/install-test-deps.sh)`);
  return { status: r.status, output: r.stdout + r.stderr };
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The rendered PrometheusRule's groups. */
function ruleGroups(set: string[] = [], files = [VALUES.all]): { name: string; rules: Rule[] }[] {
  return one(render(files, set), 'PrometheusRule').spec.groups;
}

/** Writes DIR/rules.yaml (optionally without annotations) and the unit tests next to it. */
function writeRules(dir: string, groups: { name: string; rules: Rule[] }[], annotations: boolean): void {
  const out = annotations ? groups : groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _, ...r }) => r) }));
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: out }));
  copyFileSync(FIXTURE, join(dir, 'alertRules.promtest.yaml'));
}

test('promtool check rules accepts the rendered rules, annotations and all', () => {
  writeRules(tmp.dir, ruleGroups(), true);
  const r = promtool(['check', 'rules', 'rules.yaml'], tmp.dir);
  assert.equal(r.status, 0, r.output);
  assert.match(r.output, /SUCCESS: 6 rules found/);

  // API only (no bulk Job): the bulk alerts are left out.
  const apiOnly = ruleGroups(['prometheusRule.enabled=true'], []);
  assert.deepEqual(apiOnly.map((g) => g.name), ['genomeinfer-api']);
  writeRules(tmp.dir, apiOnly, true);
  const r2 = promtool(['check', 'rules', 'rules.yaml'], tmp.dir);
  assert.equal(r2.status, 0, r2.output);
  assert.match(r2.output, /SUCCESS: 4 rules found/);
});

test('promtool test rules: each alert fires when it should and stays silent otherwise', () => {
  writeRules(tmp.dir, ruleGroups(), false);
  const r = promtool(['test', 'rules', 'alertRules.promtest.yaml'], tmp.dir);
  assert.equal(r.status, 0, r.output);
  assert.match(r.output, /SUCCESS/);
});

test('the thresholds come from the values: changing them breaks the expected alerts', () => {
  const { dir, cleanup } = tempDir('genomeinfer-alerts-changed-');
  try {
    // 10% 5xx is below a 50% threshold; 9 queued jobs are below 80% of 100 slots.
    writeRules(dir, ruleGroups(['prometheusRule.alerts.highErrorRate.threshold=0.5', 'config.maxQueuedJobs=100']), false);
    const r = promtool(['test', 'rules', 'alertRules.promtest.yaml'], dir);
    assert.notEqual(r.status, 0, 'the unit tests should fail against changed thresholds');
    assert.match(r.output, /alertname: GenomeinferHighErrorRate/);
    assert.match(r.output, /alertname: GenomeinferJobQueueSaturated/);
    assert.doesNotMatch(r.output, /alertname: GenomeinferNoReadyPods/);
  } finally {
    cleanup();
  }
});

test('turning an alert off removes it', () => {
  const alerts = ruleGroups(['prometheusRule.alerts.jobsFailing.enabled=false', 'prometheusRule.alerts.bulkJobFailing.enabled=false'])
    .flatMap((g) => g.rules.map((r) => r.alert))
    .sort();
  assert.deepEqual(alerts, ['GenomeinferHighErrorRate', 'GenomeinferJobQueueSaturated', 'GenomeinferNoReadyPods']);
});
