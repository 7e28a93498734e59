/**
 * What the genome-browser tests share: `genomeinfer view DIR` as a child process, a done
 * job on a `serve` child, and raw HTTP requests whose paths are sent as written (fetch
 * would resolve `..` segments before they reach the server).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { CLI } from './helpers.js';
import { waitFor, type Server } from './serverHarness.js';

export interface ViewServer {
  url: string;
  stop: () => Promise<void>;
}

/** Starts `genomeinfer view DIR --port 0 ...args` and waits for its URL. */
export async function startView(dir: string, args: string[] = []): Promise<ViewServer> {
  const child = spawn(process.execPath, [CLI, 'view', dir, '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`view did not start in 20 s: ${stderr}`)), 20_000);
    child.stderr!.on('data', (d: string) => {
      stderr += d;
      const m = /read-only at (http:\/\/\S+?)\/ /.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`view exited (${code}): ${stderr}`));
    });
  });
  const exited = once(child, 'exit');
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Submits a dataset job and waits until it is done; returns its id. */
export async function doneDatasetJob(server: Server, token: string, body: Record<string, unknown>): Promise<string> {
  const auth = { authorization: `Bearer ${token}` };
  const res = await fetch(`${server.url}/v1/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`job not accepted: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  await waitFor(async () => {
    const job = (await (await fetch(`${server.url}/v1/jobs/${id}`, { headers: auth })).json()) as { state: string; error?: { message: string } };
    if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`job ${id} ${job.state}: ${job.error?.message}`);
    return job.state === 'done';
  }, 60_000, `job ${id}`, 50);
  return id;
}

/** A GET whose path goes out byte for byte as given. */
export function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
