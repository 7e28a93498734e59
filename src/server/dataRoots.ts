import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { badRequest, forbidden, notFound } from './serviceError.js';

/** A dataset file a request named, found inside a data root. */
export interface DatasetFile {
  /** The path as the client gave it (for messages: server paths stay private). */
  requested: string;
  /** Its real path (symlinks resolved), inside a data root; what gets opened. */
  path: string;
}

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * The directories requests may read datasets from (`--data-root`, repeatable). A requested
 * path is relative to a root (the first root holding it wins) or absolute inside one; it
 * may not contain `..`, and its real path, symlinks resolved, must stay inside the root it
 * was found in. (A root swapped for a symlink between this check and the open is outside
 * what this guards: the roots belong to the operator.)
 */
export class DataRoots {
  private constructor(private readonly roots: readonly string[]) {}

  static async create(dirs: readonly string[]): Promise<DataRoots> {
    const roots: string[] = [];
    for (const dir of dirs) {
      const real = await realpath(dir).catch(() => undefined);
      if (!real || !(await stat(real)).isDirectory()) throw new UsageError(`--data-root ${dir} is not a directory`);
      roots.push(real);
    }
    return new DataRoots(roots);
  }

  get count(): number {
    return this.roots.length;
  }

  /** Finds `requested` (the value of request field `field`); throws 400/403/404 naming why not. */
  async resolve(requested: string, field: string): Promise<DatasetFile> {
    const found = await this.locate(requested, field);
    if (!found.exists) {
      throw notFound('dataset_not_found', `dataset file '${requested}' (field ${field}) was not found under the server's data roots`);
    }
    return found;
  }

  /**
   * Like resolve(), but a file that does not exist is returned with `exists: false` and the
   * path it would have in the first root (which does not exist: for an index the reader
   * then reports missing).
   */
  async locate(requested: string, field: string): Promise<DatasetFile & { exists: boolean }> {
    if (this.roots.length === 0) {
      throw forbidden('data_roots_disabled', `this server reads no datasets (started without --data-root); upload the files as multipart fields instead of naming '${requested}'`);
    }
    if (requested.length === 0 || requested.includes('\0')) throw badRequest('dataset_path_invalid', `field ${field} must be a non-empty path`);
    if (requested.split(/[\\/]+/).includes('..')) {
      throw badRequest('dataset_path_traversal', `dataset path '${requested}' (field ${field}) contains '..'; give a path relative to a data root without '..'`);
    }
    const candidates: { root: string; path: string }[] = isAbsolute(requested)
      ? this.roots.filter((root) => inside(root, resolve(requested))).map((root) => ({ root, path: resolve(requested) }))
      : this.roots.map((root) => ({ root, path: join(root, requested) }));
    if (candidates.length === 0) {
      throw forbidden('dataset_outside_data_roots', `dataset path '${requested}' (field ${field}) is an absolute path outside the server's data roots`);
    }
    for (const { root, path } of candidates) {
      const real = await realpath(path).catch(() => undefined);
      if (real === undefined) continue;
      if (!inside(root, real)) {
        throw forbidden('dataset_outside_data_roots', `dataset path '${requested}' (field ${field}) resolves through a symbolic link to a file outside the server's data roots`);
      }
      if (!(await stat(real)).isFile()) throw badRequest('dataset_not_a_file', `dataset path '${requested}' (field ${field}) is not a regular file`);
      return { requested, path: real, exists: true };
    }
    return { requested, path: candidates[0]!.path, exists: false };
  }
}
