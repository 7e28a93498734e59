import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = join(resolve(fileURLToPath(import.meta.url), '../../..'), 'dist/src/cli/main.js');

export interface LoadServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** `genomeinfer serve` in its own process (so its RSS and CPU are its own), on 127.0.0.1. */
export async function startServer(args: string[]): Promise<LoadServer> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--log-level', 'error', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, GENOMEINFER_TOKEN: '' },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = once(child, 'exit');
  // Every bundled model is loaded, tested and warmed on each worker before /readyz is 200.
  const deadline = Date.now() + 300_000;
  let url: string | undefined;
  while (!url || (await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) !== 200) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`server not ready in 300 s: ${stderr}`);
    url ??= /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Samples a process's resident set size (Linux /proc) until stopped; reports the peak. */
export function sampleRss(pid: number, everyMs = 100): { stop(): { peakBytes: number; lastBytes: number } } {
  let peak = 0;
  let last = 0;
  const read = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (Number.isFinite(kb)) {
        last = kb * 1024;
        peak = Math.max(peak, last);
      }
    } catch {
      // process gone
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      return { peakBytes: peak, lastBytes: last };
    },
  };
}
