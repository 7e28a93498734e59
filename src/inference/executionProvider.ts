import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DeviceError, errorMessage } from '../errors.js';
import type { Provider } from './tasks.js';

export type Device = 'auto' | 'cpu' | 'cuda';
export const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda'];

export interface ProviderChoice {
  provider: Provider;
  /** One line for the log: what was asked, what we got, and why. */
  note: string;
}

/** Tries to open `onnxPath` with the CUDA execution provider; rejects with ORT's reason. */
export async function probeCuda(onnxPath: string): Promise<void> {
  // A CPU-only install (.npmrc onnxruntime-node-install=skip) has no CUDA provider library;
  // say so plainly instead of letting ORT print a native error while it tries to load it.
  const dir = ortBinaryDir();
  if (dir && !existsSync(join(dir, CUDA_PROVIDER_LIB))) {
    throw new Error(`onnxruntime-node was installed without its CUDA provider (${CUDA_PROVIDER_LIB} not in ${dir})`);
  }
  const s = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cuda'], logSeverityLevel: 3 });
  await s.release();
}

const CUDA_PROVIDER_LIB = 'libonnxruntime_providers_cuda.so';

/** Where onnxruntime-node keeps its native libraries for this platform, if we can tell. */
function ortBinaryDir(): string | undefined {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const bin = join(pkg, 'bin');
    for (const napi of readdirSync(bin)) {
      const dir = join(bin, napi, process.platform, process.arch);
      if (existsSync(dir)) return dir;
    }
  } catch {
    // unknown layout: fall through to ORT's own attempt
  }
  return undefined;
}

/** ORT's messages carry ANSI colour codes and several lines; keep the first meaningful one. */
function reasonOf(err: unknown): string {
  // eslint-disable-next-line no-control-regex
  const text = errorMessage(err).replace(/\u001b\[[0-9;]*m/g, '');
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * `cpu` → CPU. `cuda` → CUDA or a DeviceError saying why not. `auto` → CUDA when a session
 * can be created with it, else CPU, with a note saying which and why.
 */
export async function chooseExecutionProvider(device: Device, probe: () => Promise<void>): Promise<ProviderChoice> {
  if (device === 'cpu') return { provider: 'cpu', note: 'execution provider: CPU (--device cpu)' };
  try {
    await probe();
    return { provider: 'cuda', note: `execution provider: CUDA (--device ${device})` };
  } catch (err) {
    const reason = reasonOf(err);
    if (device === 'cuda') {
      throw new DeviceError(
        'cuda_unavailable',
        `--device cuda: the CUDA execution provider is not available (${reason}). ` +
          'It needs an NVIDIA GPU with CUDA 12 + cuDNN 9 and onnxruntime-node installed with ONNXRUNTIME_NODE_INSTALL=cuda12; use --device cpu or --device auto to run on CPU.',
      );
    }
    return { provider: 'cpu', note: `execution provider: CPU (--device auto: CUDA unavailable: ${reason})` };
  }
}
