import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { getPriority } from 'node:os';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { WORKER_NICE_STEPS } from '../src/inference/threadPriority.js';

const tid = () => Number(readlinkSync('/proc/thread-self').split('/').pop());

test('a worker thread lowers its own priority only; the main thread keeps its own', async () => {
  const mainBefore = getPriority(tid());
  const module = new URL('../src/inference/threadPriority.js', import.meta.url).href;
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const { readlinkSync } = require('node:fs');
     const { getPriority } = require('node:os');
     import(${JSON.stringify(module)}).then(({ lowerThisThreadPriority }) => {
       const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
       const before = getPriority(tid);
       lowerThisThreadPriority();
       parentPort.postMessage({ tid, before, after: getPriority(tid) });
     });`,
    { eval: true },
  );
  const seen = await new Promise<{ tid: number; before: number; after: number }>((resolve, reject) => worker.once('message', resolve).once('error', reject));
  await worker.terminate();
  assert.notEqual(seen.tid, tid(), 'the worker is a thread of its own');
  assert.equal(seen.after, Math.min(19, seen.before + WORKER_NICE_STEPS));
  assert.equal(getPriority(tid()), mainBefore);
  assert.equal(getPriority(process.pid), mainBefore);
});
