import { ModelRepository, modelRef } from '../models/repository.js';
import { parseCommandArgs } from './args.js';

export const MODELS_HELP = `usage: genomeinfer models [--json] [--verify] [--models-dir DIR]

Lists the models in the repository (models/<name>/<version>/model.json).
  --json        JSON array of {name, version, labels, input: {kind}}
  --verify      also check each model's sha256 and run its test block
  --models-dir  model repository (default: GENOMEINFER_MODELS or the bundled models/)`;

export async function modelsCommand(argv: string[]): Promise<void> {
  const args = parseCommandArgs('models', argv, {
    json: { type: 'boolean' },
    verify: { type: 'boolean' },
    'models-dir': { type: 'string' },
  });
  const repo = new ModelRepository(args['models-dir']);
  const entries = await repo.list();
  if (args.verify) for (const e of entries) await repo.load(modelRef(e));
  if (args.json) {
    const list = entries.map(({ manifest: m }) => ({ name: m.name, version: m.version, labels: m.labels, input: { kind: m.input.kind } }));
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  for (const { manifest: m } of entries) {
    const verified = args.verify ? '  [sha256 + test ok]' : '';
    process.stdout.write(`${modelRef(m)}\t${m.input.kind}\t${m.labels.join(',')}${verified}\n  ${m.description}\n`);
  }
}
