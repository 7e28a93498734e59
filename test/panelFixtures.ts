/**
 * Small simulated panels and what the workflow tests compare: every file of an output
 * directory, byte for byte, and CLI runs watched while they work.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CLI, runCli } from './helpers.js';

/** The example model: a variety of the panels below takes it about half a second. */
export const FAST_MODEL = ['--models', 'example-cpg', '--workers', '1'];

/** `simulate --panel N` at a small scale, 2 chromosomes (about 1.5 Mb a variety); returns the manifest. */
export function simulatePanel(dir: string, varieties: number): string {
  const r = runCli(['simulate', '--panel', String(varieties), '--seed', '7', '--scale', '0.02', '--chromosomes', '2', '--case', 'cento', '--out', dir]);
  assert.equal(r.status, 0, r.stderr);
  return join(dir, 'manifest.tsv');
}

/** Every file under dir (hidden ones too), as paths relative to it. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(relative(dir, p));
    }
  };
  walk(dir);
  return files.sort();
}

/** Every file under dir, relative path → bytes. */
export function tree(dir: string): Map<string, Buffer> {
  return new Map(listFiles(dir).map((p) => [p, readFileSync(join(dir, p))]));
}

export function assertSameTree(actual: string, expected: string, what: string): void {
  const a = tree(actual);
  const e = tree(expected);
  assert.deepEqual([...a.keys()].sort(), [...e.keys()].sort(), `${what}: same file names`);
  for (const [path, bytes] of e) assert.ok(a.get(path)!.equals(bytes), `${what}: ${path} differs`);
}

/** Modification times of every file under dir, to show which were rewritten. */
export function mtimes(dir: string): Map<string, number> {
  return new Map(listFiles(dir).map((p) => [p, statSync(join(dir, p)).mtimeMs]));
}

/** The first `n` varieties of a manifest, as a new manifest next to it (its relative paths still resolve). */
export function subManifest(manifest: string, name: string, n: number): string {
  const lines = readFileSync(manifest, 'utf8').trimEnd().split('\n');
  const path = join(manifest, '..', name);
  writeLines(path, lines.slice(0, n + 1));
  return path;
}

export function writeLines(path: string, lines: string[]): void {
  writeFileSync(path, lines.join('\n') + '\n');
}

/** A CLI run in the background, with its stderr as it arrives. */
export interface RunningCli {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves once stderr matches. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  /** Resolves to the exit status. */
  exit: Promise<number | null>;
}

export function spawnCli(args: string[]): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(stderr)) {
      if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before ${pattern}: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { child, stderr: () => stderr, waitFor, exit };
}
