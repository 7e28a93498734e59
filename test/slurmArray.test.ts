/**
 * workflows/slurm/annotate.sbatch run under bash with the variables SLURM sets for each task of
 * an array (there is no SLURM here): over all array indices, the shards run are the panel
 * exactly once, also when the array is smaller than the panel (several shards per task), and
 * the last task builds the summary. A stand-in genomeinfer checks the shard arithmetic on more
 * layouts, the retry of a shard that exited 75, and the exit status a task reports.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI, ROOT, runCli, tempDir } from './helpers.js';
import { FAST_MODEL, assertSameTree, simulatePanel } from './panelFixtures.js';

const SCRIPT = join(ROOT, 'workflows/slurm/annotate.sbatch');
let tmp: ReturnType<typeof tempDir>;

before(() => {
  tmp = tempDir('genomeinfer-slurm-');
});

after(() => tmp.cleanup());

/** The variables SLURM sets in task `id` of `--array=min-max`. */
function arrayEnv(id: number, min: number, max: number, count = max - min + 1): NodeJS.ProcessEnv {
  return {
    SLURM_JOB_ID: String(1000 + id),
    SLURM_ARRAY_JOB_ID: '1000',
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_MIN: String(min),
    SLURM_ARRAY_TASK_MAX: String(max),
    SLURM_ARRAY_TASK_COUNT: String(count),
    SLURM_ARRAY_TASK_STEP: '1',
  };
}

function sbatchTask(env: NodeJS.ProcessEnv, args: string[]) {
  return spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

test('a 4-task array over a 6-variety panel runs every variety once and the last task builds the summary', () => {
  const manifest = simulatePanel(join(tmp.dir, 'panel'), 6);
  const reference = join(tmp.dir, 'reference');
  assert.equal(runCli(['annotate', '--manifest', manifest, '--out', reference, ...FAST_MODEL]).status, 0);
  const out = join(tmp.dir, 'out');
  const ranBy = new Map<string, number>();
  for (let task = 0; task < 4; task++) {
    // GENOMEINFER_SHARDS unset: one shard per variety (6), so tasks 0 and 1 run two each.
    const r = sbatchTask({ ...arrayEnv(task, 0, 3), GENOMEINFER_BIN: `${process.execPath} ${CLI}` }, [manifest, out, ...FAST_MODEL]);
    assert.equal(r.status, 0, r.stderr);
    const shards = [...r.stderr.matchAll(/task \d+ of 4: shard (\d+)\/6/g)].map((m) => Number(m[1]));
    assert.deepEqual(shards, task < 2 ? [task, task + 4] : [task]);
    for (const [, variety] of r.stderr.matchAll(/: (V\d+): done in/g)) {
      assert.ok(!ranBy.has(variety!), `${variety} ran by tasks ${ranBy.get(variety!)} and ${task}`);
      ranBy.set(variety!, task);
    }
    // Only the last task finds nothing left to run, and builds the summary.
    assert.equal(existsSync(join(out, 'failures.tsv')), task === 3, `summary after task ${task}`);
  }
  const varieties = readFileSync(manifest, 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split('\t')[0]);
  assert.deepEqual([...ranBy.keys()].sort(), varieties);
  assertSameTree(out, reference, 'the array into one directory');
});

/**
 * A stand-in genomeinfer: `annotate --dry-run` lists $ROWS varieties, a `--shard i/N` run is
 * logged and exits with the next status queued in exit-<i> (0 once the queue is empty), or
 * with $SLOW set works until a SIGTERM, which it logs and exits 143 for, as annotate does.
 */
function standIn(dir: string, rows: number): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, 'genomeinfer');
  writeFileSync(
    bin,
    `#!/usr/bin/env bash
case " $* " in
  *" --dry-run "*) printf 'variety\\tfasta\\taction\\tstatus\\tdetail\\n'; for ((i = 0; i < ROWS; i++)); do printf 'V%d\\tf\\tskip\\tdone\\t-\\n' "$i"; done; exit 0 ;;
  *" --summary-only "*) echo summary >> "$DIR/log"; exit 0 ;;
esac
shard=$(sed -E 's/.*--shard ([0-9]+)\\/([0-9]+).*/\\1 \\2/' <<<"$*")
[ -n "\${SLOW:-}" ] && trap 'kill $! 2>/dev/null; echo SIGTERM >> "$DIR/log"; exit 143' TERM
echo "shard $shard" >> "$DIR/log"
if [ -n "\${SLOW:-}" ]; then sleep 60 & wait; fi
queue="$DIR/exit-\${shard% *}"
[ -s "$queue" ] || exit 0
status=$(head -n 1 "$queue"); sed -i 1d "$queue"; exit "$status"
`,
  );
  chmodSync(bin, 0o755);
  writeFileSync(join(dir, 'log'), '');
  return { GENOMEINFER_BIN: bin, DIR: dir, ROWS: String(rows) };
}

function shardsRun(dir: string): [number, number][] {
  return readFileSync(join(dir, 'log'), 'utf8').split('\n').filter((l) => l.startsWith('shard ')).map((l) => l.slice(6).split(' ').map(Number) as [number, number]);
}

test('over every array index the shards are the panel exactly once, for arrays smaller and larger than the panel', () => {
  // [varieties in the manifest, GENOMEINFER_SHARDS or undefined (one per variety), array size]
  const layouts: [number, number | undefined, number][] = [[6, undefined, 6], [24, undefined, 5], [3, undefined, 4], [10, 10, 1], [2980, 100, 7]];
  for (const [rows, shardsSet, tasks] of layouts) {
    const shards = shardsSet ?? rows;
    const seen: number[] = [];
    for (let task = 0; task < tasks; task++) {
      const dir = join(tmp.dir, `layout-${rows}-${tasks}-${task}`);
      const env = { ...standIn(dir, rows), ...arrayEnv(task, 0, tasks - 1), ...(shardsSet ? { GENOMEINFER_SHARDS: String(shardsSet) } : {}) };
      const r = sbatchTask(env, ['manifest.tsv', 'out']);
      assert.equal(r.status, 0, r.stderr);
      for (const [shard, of] of shardsRun(dir)) {
        assert.equal(of, shards);
        assert.equal(shard % tasks, task, `task ${task} ran shard ${shard}`);
        seen.push(shard);
      }
    }
    assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: shards }, (_, i) => i), `${shards} shards over ${tasks} tasks: each once`);
  }
});

test('a resubmitted subset of tasks keeps its shards when told the array size; otherwise the script refuses', () => {
  const dir = join(tmp.dir, 'subset');
  // sbatch --array=3,17 after a 20-task run: ids 3 and 17, 2 tasks.
  let r = sbatchTask({ ...standIn(dir, 40), ...arrayEnv(17, 3, 17, 2) }, ['manifest.tsv', 'out']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /set GENOMEINFER_TASKS=T/);
  r = sbatchTask({ ...standIn(dir, 40), ...arrayEnv(17, 3, 17, 2), GENOMEINFER_TASKS: '20' }, ['manifest.tsv', 'out']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(shardsRun(dir), [[17, 40], [37, 40]]);
  r = sbatchTask({ ...standIn(dir, 40), ...arrayEnv(0, 0, 3) }, ['manifest.tsv', 'out', '--shard', '0/2']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--shard is the script's to set/);
});

test("a task retries a shard that exited 75, runs its other shards after a failure, and exits with the worst status", () => {
  const dir = join(tmp.dir, 'statuses');
  let env = { ...standIn(dir, 9), ...arrayEnv(0, 0, 2) }; // task 0 of 3: shards 0, 3, 6
  writeFileSync(join(dir, 'exit-0'), '75\n'); // the machine failed once: retried, then fine
  writeFileSync(join(dir, 'exit-3'), '1\n'); // an input failed
  writeFileSync(join(dir, 'exit-6'), '75\n75\n'); // fails again on the retry
  let r = sbatchTask(env, ['manifest.tsv', 'out']);
  assert.deepEqual(shardsRun(dir), [[0, 9], [0, 9], [3, 9], [6, 9], [6, 9]]);
  assert.match(r.stderr, /shard 0\/9 \(retry 1 of 1: the last try exited 75\)/);
  assert.equal(r.status, 1, 'an input failure outranks a retryable one');

  env = { ...standIn(dir, 9), ...arrayEnv(0, 0, 2) };
  writeFileSync(join(dir, 'exit-6'), '75\n75\n');
  r = sbatchTask(env, ['manifest.tsv', 'out']);
  assert.equal(r.status, 75, 'only retryable failures left: resubmit the task');
  // Every variety is done (the stand-in's dry run says so), so this task builds the summary.
  assert.match(readFileSync(join(dir, 'log'), 'utf8'), /^summary$/m);
});

for (const [signal, status] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`${signal} to a task stops its shard cleanly (annotate gets SIGTERM) and the task exits ${status}`, async () => {
    const dir = join(tmp.dir, `signal-${signal}`);
    const env = { ...process.env, ...standIn(dir, 4), ...arrayEnv(0, 0, 1), SLOW: '1' };
    const task = spawn('bash', [SCRIPT, 'manifest.tsv', 'out'], { env, stdio: 'ignore' });
    const exited = once(task, 'exit');
    // The stand-in sets its trap before it logs the shard.
    while (!readFileSync(join(dir, 'log'), 'utf8').includes('shard 0 4')) await new Promise((r) => setTimeout(r, 10));
    task.kill(signal);
    const [code] = await exited;
    assert.equal(code, status);
    assert.deepEqual(readFileSync(join(dir, 'log'), 'utf8').trim().split('\n'), ['shard 0 4', 'SIGTERM'], 'no further shard, no summary');
  });
}
