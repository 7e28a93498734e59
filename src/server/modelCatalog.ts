import { ModelError, errorMessage } from '../errors.js';
import type { InferenceEngine } from '../inference/engine.js';
import { modelRef, type LoadedModel, type ModelEntry, type ModelRepository } from '../models/repository.js';
import { notFound, unavailable } from './serviceError.js';

export type ModelState = 'loading' | 'ready' | 'refused';

interface Served {
  entry: ModelEntry;
  state: ModelState;
  loaded?: LoadedModel;
  /** Why a refused model was refused (sha256, test block, ...). */
  error?: string;
}

/** What GET /v1/models says about one model version. */
export interface ModelSummary {
  name: string;
  version: string;
  ref: string;
  state: ModelState;
  error?: string;
  description: string;
  labels: string[];
  input: { kind: string; bin_bp: number; tracks?: { name: string; source: string }[] };
  trained_on: string;
  license: string;
}

/**
 * The model versions this server serves: listed from the repository at start, then loaded
 * (manifest, sha256, test block) and run at full batch shape on the workers one by one, each
 * released afterwards (sessions are created again on demand and released when idle). Ready when
 * every model has been tried and at least one runs; a model refused at load stays listed with
 * its reason and answers 503 instead of running.
 */
export class ModelCatalog {
  private readonly served: Served[];
  private loadingDone = false;

  private constructor(entries: ModelEntry[]) {
    this.served = entries.map((entry) => ({ entry, state: 'loading' }));
  }

  /** `refs` (`name` or `name@version`) limits what is served; an unknown ref is an error. */
  static async open(repository: ModelRepository, refs: readonly string[] = []): Promise<ModelCatalog> {
    const all = await repository.list();
    if (refs.length === 0) return new ModelCatalog(all);
    const picked = new Set<ModelEntry>();
    for (const ref of refs) {
      const [name, version] = ref.split(/[@:]/, 2);
      const matches = all.filter((e) => e.name === name && (version === undefined || e.version === version));
      if (matches.length === 0) await repository.resolve(ref); // throws the repository's "unknown model" message
      matches.forEach((e) => picked.add(e));
    }
    return new ModelCatalog(all.filter((e) => picked.has(e)));
  }

  get entries(): readonly ModelEntry[] {
    return this.served.map((s) => s.entry);
  }

  /** Loads and warms every model; refusals are kept (and logged), not thrown. */
  async loadAll(repository: ModelRepository, engine: InferenceEngine, log: (line: string) => void): Promise<void> {
    for (const s of this.served) {
      const ref = modelRef(s.entry);
      try {
        const model = await repository.load(ref);
        // One round, then released: a check that it runs, not memory held while idle (EngineOptions.releaseIdleMs).
        await engine.warmUp(model, 1, true);
        s.loaded = model;
        s.state = 'ready';
        log(`model ${ref} loaded, test block passed, ran a full batch on the workers`);
      } catch (err) {
        s.state = 'refused';
        s.error = errorMessage(err);
        log(`model ${ref} refused: ${s.error}`);
      }
    }
    this.loadingDone = true;
  }

  get ready(): boolean {
    return this.loadingDone && this.served.some((s) => s.state === 'ready');
  }

  /** Why not ready, for /readyz. */
  get notReadyReason(): string {
    if (!this.loadingDone) {
      const loading = this.served.filter((s) => s.state === 'loading').map((s) => modelRef(s.entry));
      return `models still loading and warming up: ${loading.join(', ')}`;
    }
    return `no model could be loaded: ${this.served.map((s) => `${modelRef(s.entry)}: ${s.error}`).join('; ')}`;
  }

  list(name?: string): ModelSummary[] {
    return this.served.filter((s) => name === undefined || s.entry.name === name).map(summarize);
  }

  /**
   * The served model for `ref` (`name` → its newest served version, or `name@version`):
   * 404 when this server does not serve it, 503 while it loads or when it was refused.
   */
  resolve(ref: string): LoadedModel {
    const [name, version] = ref.split(/[@:]/, 2) as [string, string | undefined];
    const matching = this.served.filter((s) => s.entry.name === name && (version === undefined || s.entry.version === version));
    const s = matching.at(-1);
    if (!s) {
      const available = this.served.map((x) => modelRef(x.entry)).join(', ') || 'none';
      throw notFound('model_unknown', `unknown model '${ref}': this server serves ${available}`);
    }
    const label = modelRef(s.entry);
    if (s.state === 'loading') throw unavailable('model_loading', `model ${label} is still loading and warming up; retry shortly`, 5, 'not_ready');
    if (s.state === 'refused') throw unavailable('model_refused', `model ${label} was refused at load: ${s.error}`, 300, 'not_ready');
    return s.loaded!;
  }

  /** The loaded model for a stored `name/version` key (jobs record the exact version). */
  byKey(key: string): LoadedModel {
    const [name, version] = key.split('/', 2);
    if (version === undefined) throw new ModelError('model_unknown', `not a model key: ${key}`, 'not_found');
    return this.resolve(modelRef({ name, version }));
  }
}

function summarize(s: Served): ModelSummary {
  const m = s.entry.manifest;
  return {
    name: m.name,
    version: m.version,
    ref: modelRef(m),
    state: s.state,
    ...(s.error ? { error: s.error } : {}),
    description: m.description,
    labels: m.labels,
    input:
      m.input.kind === 'sequence'
        ? { kind: 'sequence', bin_bp: m.input.bin_bp }
        : { kind: 'tracks', bin_bp: m.input.bin_bp, tracks: m.input.tracks.map((t) => ({ name: t.name, source: t.source })) },
    trained_on: m.trained_on,
    license: m.license,
  };
}
