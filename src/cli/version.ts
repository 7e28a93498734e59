import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * genomeinfer's version: package.json's, read at run time so the two cannot disagree. The
 * CLI prints it (`--version`) and hands it to what records it: annotate.json markers and the
 * /v1/models answer (pipelines record the tool versions that made their files).
 */
export function toolVersion(): string {
  // dist/src/cli/version.js → the package root, where package.json sits (also when installed from npm).
  const path = fileURLToPath(new URL('../../../package.json', import.meta.url));
  const { version } = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`${path} has no version`);
  return version;
}
