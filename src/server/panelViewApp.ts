import type { FastifyInstance } from 'fastify';
import { baseApp } from './app.js';
import { sendFileWithRanges } from './byteRanges.js';
import { registerErrorHandling } from './errorMapping.js';
import { notFound } from './serviceError.js';
import { NO_QUERY } from './strictQuery.js';
import { DEFAULT_TIMEOUTS } from './timeouts.js';
import { PanelDirectory } from './view/panelDirectory.js';
import { sendViewPage, viewAssetRoutes } from './view/viewAssets.js';
import { chromSizesText } from './view/viewSession.js';

export interface PanelViewOptions {
  /** The annotate --out directory. */
  dir: string;
  port: number;
  /** Where the varieties' genome FASTAs may be read from (none: chromosome sizes only). */
  dataRoots: string[];
  logLevel: string;
}

const VARIETY_PARAMS = { type: 'object', required: ['variety'], properties: { variety: { type: 'string' } } } as const;

/** Content types of what an annotate directory holds; anything else is bytes. */
const TYPES: [RegExp, string][] = [
  [/\.(tsv|bed|bedgraph|txt|fai)$/i, 'text/plain; charset=utf-8'],
  [/\.json$/i, 'application/json; charset=utf-8'],
  [/\.svg$/i, 'image/svg+xml'],
];

/**
 * `genomeinfer view DIR`: the same Fastify base, error mapping, page and range-serving code
 * as `serve`, with the routes of a read-only annotate directory instead of the prediction
 * API (only GET and HEAD routes exist). It listens on 127.0.0.1 only.
 */
export function buildPanelViewApp(panel: PanelDirectory, logLevel: string): FastifyInstance {
  const app = baseApp({ logLevel, timeouts: DEFAULT_TIMEOUTS });
  registerErrorHandling(app, () => undefined);
  viewAssetRoutes(app);

  app.get('/', { schema: { querystring: NO_QUERY } }, (request, reply) => sendViewPage(request, reply, 'panel'));

  app.get('/view/panel.json', { schema: { querystring: NO_QUERY } }, () => panel.overview());

  app.get<{ Params: { variety: string } }>(
    '/view/varieties/:variety/session.json',
    { schema: { params: VARIETY_PARAMS, querystring: NO_QUERY } },
    async (request) => panel.session(await panel.variety(request.params.variety)),
  );

  app.get<{ Params: { variety: string }; Querystring: { file: 'fasta' | 'fai' | 'gzi' | 'sizes' } }>(
    '/view/varieties/:variety/genome',
    {
      schema: {
        params: VARIETY_PARAMS,
        querystring: { type: 'object', additionalProperties: false, required: ['file'], properties: { file: { type: 'string', enum: ['fasta', 'fai', 'gzi', 'sizes'] } } },
      },
    },
    async (request, reply) => {
      const marker = await panel.variety(request.params.variety);
      const { file } = request.query;
      if (file === 'sizes') return reply.type('text/plain; charset=utf-8').send(chromSizesText(marker.chromosomes));
      const path = await panel.genomeFile(marker, file);
      if (!path) throw notFound('genome_file_missing', `variety ${marker.variety}'s genome ${file} is not there`);
      void reply.type(file === 'fai' ? 'text/plain; charset=utf-8' : 'application/octet-stream');
      return sendFileWithRanges(request, reply, path);
    },
  );

  app.get<{ Params: { '*': string } }>('/files/*', { schema: { querystring: NO_QUERY } }, async (request, reply) => {
    const path = await panel.file(request.params['*']);
    // An SVG or anything else opened directly runs no script and loads nothing.
    void reply.type(TYPES.find(([re]) => re.test(path))?.[1] ?? 'application/octet-stream').header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    return sendFileWithRanges(request, reply, path);
  });
  return app;
}

/** Serves DIR read-only on 127.0.0.1; resolves once listening. */
export async function startPanelView(options: PanelViewOptions): Promise<{ url: string; app: FastifyInstance }> {
  const panel = await PanelDirectory.open(options.dir, options.dataRoots);
  const app = buildPanelViewApp(panel, options.logLevel);
  const url = await app.listen({ host: '127.0.0.1', port: options.port });
  return { url, app };
}
