import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/**
 * How much lower (in nice steps) inference and feature worker threads run than the main
 * thread. The main thread reads inputs, stitches, calls regions and writes every output, one
 * chromosome after another; on a machine with as many busy workers as cores it was runnable
 * but waiting a third of the time, and with it the whole pipeline (20,000 scaffolds: 1.30 s
 * → 1.20 s; whole chromosomes unchanged). The server's main thread also answers /metrics and
 * health checks under load.
 */
export const WORKER_NICE_STEPS = 10;

/**
 * Lowers the calling thread's scheduling priority by `steps` (Linux, where nice values are
 * per thread: /proc/thread-self names the thread). Threads it starts later (ONNX Runtime's
 * intra-op pool) inherit it. On the main thread (a test importing a worker module), elsewhere
 * than Linux, or where it is refused, nothing changes.
 */
export function lowerThisThreadPriority(steps = WORKER_NICE_STEPS): void {
  if (isMainThread) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return;
    setPriority(tid, Math.min(19, getPriority(tid) + steps));
  } catch {
    // Not Linux, or no /proc: the default priority.
  }
}
