import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendFileWithRanges } from '../byteRanges.js';
import { notFound } from '../serviceError.js';
import { NO_QUERY } from '../strictQuery.js';

/** The page's own files: web/view/ at the package root (beside dist/, shipped with it). */
const WEB_DIR = resolve(fileURLToPath(import.meta.url), '../../../../../web/view');
/** igv.js's self-contained ES module, from the installed package: nothing comes from the internet. */
const IGV_DIST = dirname(createRequire(import.meta.url).resolve('igv'));

export const VIEW_ASSET_ROUTE = '/view/assets/:file';
export const JOB_PAGE_ROUTE = '/view/jobs/:id';
/**
 * Routes that need no token: the page shell and its code hold no data (the page asks for
 * the token and sends it with every fetch of a job's session, genome and tracks).
 */
export const OPEN_VIEW_ROUTES: readonly string[] = [VIEW_ASSET_ROUTE, JOB_PAGE_ROUTE];

const JS = 'text/javascript; charset=utf-8';
/** A fixed list: a request names an entry, never a path. */
const ASSETS: Record<string, { path: string; type: string }> = {
  'igv.esm.min.js': { path: join(IGV_DIST, 'igv.esm.min.js'), type: JS },
  'browser.js': { path: join(WEB_DIR, 'browser.js'), type: JS },
  'job.js': { path: join(WEB_DIR, 'job.js'), type: JS },
  'panel.js': { path: join(WEB_DIR, 'panel.js'), type: JS },
  'view.css': { path: join(WEB_DIR, 'view.css'), type: 'text/css; charset=utf-8' },
};

export type ViewPage = 'job' | 'panel';

/** Serves the page code under /view/assets/ (igv.js included). */
export function viewAssetRoutes(app: FastifyInstance): void {
  app.get<{ Params: { file: string } }>(
    VIEW_ASSET_ROUTE,
    {
      schema: {
        summary: "The genome-browser page's code (igv.js included), served from the installed package",
        tags: ['view'],
        params: { type: 'object', required: ['file'], properties: { file: { type: 'string' } } },
        querystring: NO_QUERY,
      },
    },
    async (request, reply) => {
      const asset = Object.hasOwn(ASSETS, request.params.file) ? ASSETS[request.params.file] : undefined;
      if (!asset) throw notFound('asset_not_found', `no page asset '${request.params.file.slice(0, 64)}'; the assets are ${Object.keys(ASSETS).join(', ')}`);
      void reply.type(asset.type).header('Cache-Control', 'no-cache');
      return sendFileWithRanges(request, reply, asset.path);
    },
  );
}

/** Sends one of the two pages (a job's browser, a panel directory's browser). */
export function sendViewPage(request: FastifyRequest, reply: FastifyReply, page: ViewPage): Promise<FastifyReply> {
  void reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache');
  return sendFileWithRanges(request, reply, join(WEB_DIR, `${page}.html`));
}
