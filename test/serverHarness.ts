/**
 * Starts `genomeinfer serve` as a child process on 127.0.0.1 (port 0: the OS picks one) and
 * talks to it over real HTTP. Shared by the test/server*.test.ts files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, openAsBlob, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from './helpers.js';

export interface Server {
  url: string;
  child: ChildProcess;
  stateDir: string;
  /** Everything the server wrote to stderr so far. */
  stderr: () => string;
  /** Everything the server wrote to stdout (its JSON log lines) so far. */
  stdout: () => string;
  /** SIGTERM and wait for the exit; resolves to the exit code. */
  stop: () => Promise<number | null>;
  /** SIGKILL and wait. */
  kill: () => Promise<void>;
}

export interface StartOptions {
  /** Runs the server through another command (e.g. in its own mount namespace): gets node's argv, returns the command line. */
  wrap?: (argv: string[]) => string[];
  /** Wait for /readyz (default true). */
  ready?: boolean;
}

/** Serves example-cpg only (fast start) with one worker, unless `args` say otherwise. */
export async function startServer(stateDir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, options: StartOptions = {}): Promise<Server> {
  const argv = [process.execPath, CLI, 'serve', '--port', '0', '--state-dir', stateDir, '--device', 'cpu', '--workers', '1', '--log-level', 'warn', ...args];
  const [command, ...commandArgs] = options.wrap ? options.wrap(argv) : argv;
  const child = spawn(command!, commandArgs, { env: { ...process.env, GENOMEINFER_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s; stderr: ${stderr}`)), 30_000);
    child.stderr!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening; stderr: ${stderr}`));
    });
  });
  const exited = once(child, 'exit');
  const server: Server = {
    url,
    child,
    stateDir,
    stderr: () => stderr,
    stdout: () => stdout,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  if (options.ready ?? true) await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, 60_000, 'the server to be ready');
  return server;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A multipart body with one file part per entry (field name → file path). */
export async function uploadForm(files: Record<string, string>, fields: Record<string, string> = {}): Promise<FormData> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, path] of Object.entries(files)) form.append(name, await openAsBlob(path), path.split('/').at(-1));
  return form;
}

export interface ErrorBody {
  error: string;
  message: string;
}

/** The response's JSON error body, after checking it is one. */
export async function errorBody(res: Response): Promise<ErrorBody> {
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (!type.startsWith('application/json')) throw new Error(`expected a JSON error, got ${type}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as ErrorBody;
  if (typeof body.error !== 'string' || typeof body.message !== 'string') throw new Error(`not an error body: ${text}`);
  return body;
}

/** Files left in the server's upload scratch directory (must be none between requests). */
export function uploadLeftovers(stateDir: string): string[] {
  const dir = join(stateDir, 'uploads');
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Job directories in the state directory. */
export function jobDirs(stateDir: string): string[] {
  const dir = join(stateDir, 'jobs');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
