import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SegmentGeometry } from '../genome.js';
import { ModelError, errorMessage } from '../errors.js';
import { parseManifest, segmentGeometry, type Manifest } from './manifest.js';
import { runModelTest } from './modelTest.js';

/** A model whose manifest, sha256 and `test` block have all been checked. */
export interface LoadedModel {
  /** `name/version`. */
  key: string;
  manifest: Manifest;
  onnxPath: string;
  geometry: SegmentGeometry;
}

export interface ModelEntry {
  name: string;
  version: string;
  dir: string;
  manifest: Manifest;
}

/** `models/` next to the package, unless GENOMEINFER_MODELS says otherwise. */
export function defaultModelsDir(): string {
  return process.env.GENOMEINFER_MODELS ?? resolve(fileURLToPath(import.meta.url), '../../../../models');
}

function compareVersions(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * `models/<name>/<version>/{model.onnx, model.json}`, in the spirit of Triton's model
 * repository. Listing parses manifests; loading also verifies weights and the test block.
 */
/** How a user names one model version: `name@version` (what resolve() takes). */
export function modelRef(m: { name: string; version: string }): string {
  return `${m.name}@${m.version}`;
}

export class ModelRepository {
  constructor(readonly root: string = defaultModelsDir()) {}

  async list(): Promise<ModelEntry[]> {
    const entries: ModelEntry[] = [];
    let names: string[];
    try {
      names = (await readdir(this.root)).sort();
    } catch {
      throw new ModelError('models_dir_missing', `model repository not found: ${this.root}`);
    }
    for (const name of names) {
      const versions = await readdir(join(this.root, name)).catch(() => [] as string[]);
      for (const version of versions.sort(compareVersions)) {
        const dir = join(this.root, name, version);
        const manifestPath = join(dir, 'model.json');
        if (!(await stat(manifestPath).catch(() => undefined))) continue;
        const manifest = await readManifest(manifestPath);
        if (manifest.name !== name || manifest.version !== version) {
          throw new ModelError(
            'manifest_invalid',
            `invalid manifest ${manifestPath}: says ${manifest.name}/${manifest.version} but lives in ${name}/${version}`,
          );
        }
        entries.push({ name, version, dir, manifest });
      }
    }
    return entries;
  }

  /** `name`, `name@version` or `name:version`; without a version the newest is taken. */
  async resolve(ref: string): Promise<ModelEntry> {
    const [name, version] = ref.split(/[@:]/, 2) as [string, string | undefined];
    const all = await this.list();
    const candidates = all.filter((e) => e.name === name && (version === undefined || e.version === version));
    const entry = candidates.at(-1);
    if (!entry) {
      const available = [...new Set(all.map(modelRef))].join(', ') || 'none';
      throw new ModelError('model_unknown', `unknown model '${ref}' in ${this.root} (available: ${available})`, 'not_found');
    }
    return entry;
  }

  async load(ref: string): Promise<LoadedModel> {
    const entry = await this.resolve(ref);
    const { manifest, dir } = entry;
    const key = `${manifest.name}/${manifest.version}`;
    const onnxPath = join(dir, 'model.onnx');
    let weights: Buffer;
    try {
      weights = await readFile(onnxPath);
    } catch {
      throw new ModelError('model_weights_missing', `model ${key}: ${onnxPath} not found`);
    }
    const sha = createHash('sha256').update(weights).digest('hex');
    if (sha !== manifest.sha256) {
      throw new ModelError(
        'model_sha256_mismatch',
        `model ${key}: ${onnxPath} sha256 is ${sha} but model.json says ${manifest.sha256}; refusing to load it`,
      );
    }
    await runModelTest(manifest, onnxPath, key);
    return { key, manifest, onnxPath, geometry: segmentGeometry(manifest) };
  }
}

async function readManifest(path: string): Promise<Manifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ModelError('manifest_invalid', `invalid manifest ${path}: ${errorMessage(err)}`);
  }
  return parseManifest(raw, path);
}
