import { UsageError } from '../errors.js';
import { parseCommandArgs } from './args.js';

export const VIEW_HELP = `usage: genomeinfer view DIR [options]

Serves an annotate output directory (annotate --out DIR) read-only on 127.0.0.1 as a
genome-browser page (igv.js, served by genomeinfer itself: works without internet): a
variety picker, each variety's BED regions and bigWig tracks (every .bw in its directory,
an attribution track included), the top call of each label, the panel summary tables and
the centromere figure; a variety × chromosome cell opens that locus. Only files under DIR
are served; a variety's genome sequence is shown when its FASTA lies under a --data-root.
  --port N              port (default 8090; 0 picks a free one)
  --data-root DIR       directory the varieties' genome FASTAs (+ .fai) may be read from (repeatable)
  --log-level LEVEL     fatal|error|warn|info|debug (default warn)`;

export async function viewCommand(argv: string[]): Promise<void> {
  // DIR first, then options (parseCommandArgs takes options only).
  const dir = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
  const rest = dir === undefined ? argv : argv.slice(1);
  if (dir === undefined) throw new UsageError('view: give the annotate output directory: genomeinfer view DIR (see genomeinfer view --help)');
  const args = parseCommandArgs('view', rest, {
    port: { type: 'string' },
    'data-root': { type: 'string', multiple: true },
    'log-level': { type: 'string' },
  });
  const port = args.port === undefined ? 8090 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer in [0, 65535], not '${args.port}'`);
  // Loaded here, not at the top: other commands need not load Fastify.
  const { startPanelView } = await import('../server/panelViewApp.js');
  const view = await startPanelView({ dir, port, dataRoots: args['data-root'] ?? [], logLevel: args['log-level'] ?? 'warn' });
  process.stderr.write(`genomeinfer: serving ${dir} read-only at ${view.url}/ (open it in a browser; Ctrl-C stops)\n`);
  await new Promise<void>((resolve, reject) => {
    const stop = () => void view.app.close().then(resolve, reject);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
