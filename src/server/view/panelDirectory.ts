import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { errorMessage, UsageError } from '../../errors.js';
import { MARKER_FILE, readMarker, type VarietyMarker } from '../../bulk/varietyOutputs.js';
import { DataRoots } from '../dataRoots.js';
import { notFound, ServiceError } from '../serviceError.js';
import { isGzip, naturalOrder, topCallsOfFile, type TopCall, type ViewSession, type ViewTrack } from './viewSession.js';

/** A TSV of DIR/summary/, as the page renders it. */
export interface SummaryTable {
  name: string;
  url: string;
  columns: string[];
  rows: string[][];
}

/** What the panel page lists: the finished varieties and the panel summary. */
export interface PanelOverview {
  title: string;
  varieties: { name: string; bases: number; chromosomes: { name: string; length: number }[]; models: string[] }[];
  tables: SummaryTable[];
  /** The centromere figure (DIR/summary/centromeres.svg), when the run wrote one. */
  figureURL?: string;
  /** Variety directories that could not be read (their marker is malformed). */
  problems: string[];
}

/** Track files of a variety directory: what annotate writes, and whatever else sits beside it. */
const TRACK_EXTENSIONS: [RegExp, ViewTrack['format']][] = [
  [/\.(bw|bigwig)$/i, 'bigwig'],
  [/\.bed$/i, 'bed'],
];
const SUMMARY_ORDER = ['centromeres.tsv', 'marks.tsv'];

/** A URL path segment, encoded. */
const seg = encodeURIComponent;

/**
 * An `annotate` output directory served read-only by `genomeinfer view DIR`. Files are only
 * reached through DataRoots over DIR itself (relative paths, no `..`, symlinks resolved and
 * kept inside, regular files only, and no hidden segment such as `.partial/`), so no request
 * reads outside DIR. A variety's genome FASTA (named by its annotate.json) is read only when
 * it lies under one of the `--data-root` directories given, by the same rules; without one
 * the page shows the variety's chromosome sizes from annotate.json.
 */
export class PanelDirectory {
  private constructor(
    readonly dir: string,
    private readonly files: DataRoots,
    private readonly genomeRoots: DataRoots,
  ) {}

  static async open(dir: string, genomeRoots: readonly string[]): Promise<PanelDirectory> {
    const real = await realpath(dir).catch(() => undefined);
    if (!real || !(await stat(real)).isDirectory()) throw new UsageError(`view: ${dir} is not a directory (give an annotate --out directory)`);
    return new PanelDirectory(real, await DataRoots.create([real]), await DataRoots.create(genomeRoots));
  }

  /** The file at `relative` (URL path under /files/), confined to DIR; 400/403/404 otherwise. */
  async file(relative: string): Promise<string> {
    if (relative.split(/[\\/]+/).some((s) => s.startsWith('.') && s !== '.' && s !== '..')) {
      throw notFound('file_not_found', `no file '${relative.slice(0, 200)}' in the served directory (hidden paths are not served)`);
    }
    const file = await this.files.locate(relative, 'path');
    if (!file.exists) throw notFound('file_not_found', `no file '${relative.slice(0, 200)}' in the served directory`);
    return file.path;
  }

  /** Finished varieties (a directory with a readable annotate.json), in natural name order. */
  async varieties(): Promise<{ markers: VarietyMarker[]; problems: string[] }> {
    const entries = await readdir(this.dir, { withFileTypes: true });
    const markers: VarietyMarker[] = [];
    const problems: string[] = [];
    for (const e of entries.filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'summary').sort((a, b) => naturalOrder(a.name, b.name))) {
      try {
        const marker = await readMarker(this.dir, e.name);
        if (marker) markers.push(marker);
      } catch (err) {
        problems.push(`${e.name}/${MARKER_FILE}: ${errorMessage(err).replace(this.dir, 'DIR')}`);
      }
    }
    return { markers, problems };
  }

  async variety(name: string): Promise<VarietyMarker> {
    const marker = (await this.varieties()).markers.find((m) => m.variety === name);
    if (!marker) throw notFound('variety_not_found', `no finished variety '${name.slice(0, 100)}' in the served directory`);
    return marker;
  }

  async overview(): Promise<PanelOverview> {
    const { markers, problems } = await this.varieties();
    const summaryDir = join(this.dir, 'summary');
    const names = (await readdir(summaryDir).catch(() => [] as string[])).filter((n) => n.endsWith('.tsv'));
    names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const tables: SummaryTable[] = [];
    for (const name of names) {
      const [header, ...lines] = (await readFile(join(summaryDir, name), 'utf8')).split('\n').filter((l) => l !== '');
      if (header === undefined) continue;
      tables.push({ name, url: `/files/summary/${seg(name)}`, columns: header.split('\t'), rows: lines.map((l) => l.split('\t')) });
    }
    const figure = await stat(join(summaryDir, 'centromeres.svg')).catch(() => undefined);
    return {
      title: basename(this.dir),
      varieties: markers.map((m) => ({ name: m.variety, bases: m.bases, chromosomes: m.chromosomes, models: m.models.map((x) => x.key) })),
      tables,
      figureURL: figure?.isFile() ? '/files/summary/centromeres.svg' : undefined,
      problems,
    };
  }

  /**
   * The genome file of a variety under the --data-root directories (undefined when it is
   * not there); a FASTA outside them is refused (403), like any file outside the roots.
   */
  async genomeFile(marker: VarietyMarker, file: 'fasta' | 'fai' | 'gzi'): Promise<string | undefined> {
    const requested = file === 'fasta' ? marker.fasta : `${marker.fasta}.${file}`;
    const found = await this.genomeRoots.locate(requested, file);
    return found.exists ? found.path : undefined;
  }

  /** A variety's browser session: its genome, its BEDs and bigWigs (every one in its directory), its top calls. */
  async session(marker: VarietyMarker): Promise<ViewSession> {
    const v = marker.variety;
    const notes: string[] = [];
    const reference = await this.reference(marker, notes);
    // annotate's files in its own order, named by model and label; then any other track file
    // (an attribution bigWig, a BED of one's own), named by its file name.
    const named = new Map<string, string>();
    for (const m of marker.models) {
      named.set(m.bed, `${m.name} regions`);
      m.bigwig.forEach((f, i) => named.set(f, m.labels[i] ?? f));
    }
    const listed = [...named.keys()];
    const present = (await readdir(join(this.dir, v), { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
    const extra = present.filter((f) => !named.has(f) && TRACK_EXTENSIONS.some(([re]) => re.test(f))).sort(naturalOrder);
    const tracks: ViewTrack[] = [];
    for (const f of [...listed.filter((f) => present.includes(f)), ...extra]) {
      const format = TRACK_EXTENSIONS.find(([re]) => re.test(f))![1];
      tracks.push({ name: named.get(f) ?? f.replace(/\.(bw|bigwig|bed)$/i, ''), format, url: `/files/${seg(v)}/${seg(f)}` });
    }
    const missing = listed.filter((f) => !present.includes(f));
    if (missing.length) notes.push(`${v}/${MARKER_FILE} lists ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not in the directory.`);
    const topCalls: TopCall[] = [];
    for (const m of marker.models) {
      if (present.includes(m.bed)) topCalls.push(...(await topCallsOfFile(join(this.dir, v, m.bed), m.labels)));
    }
    const without = marker.models.flatMap((m) => m.labels).filter((l) => !topCalls.some((c) => c.label === l));
    if (without.length) notes.push(`No region called for ${without.join(', ')} in ${v}.`);
    return { title: `${basename(this.dir)} · ${v}`, reference, tracks, topCalls, notes };
  }

  private async reference(marker: VarietyMarker, notes: string[]): Promise<ViewSession['reference']> {
    const api = `/view/varieties/${seg(marker.variety)}/genome`;
    const sizes = { id: marker.variety, chromSizesURL: `${api}?file=sizes` };
    const without = (why: string) => {
      notes.push(`${why}; showing ${marker.variety}'s chromosome sizes without sequence.`);
      return sizes;
    };
    let fasta: string | undefined;
    let fai: string | undefined;
    try {
      fasta = await this.genomeFile(marker, 'fasta');
      fai = await this.genomeFile(marker, 'fai');
    } catch (err) {
      // No --data-root, or the FASTA lies outside every one of them.
      if (err instanceof ServiceError && err.status === 403) {
        return without(`${marker.variety}'s genome ${basename(marker.fasta)} is not under a --data-root directory (start view with --data-root DIR_OF_GENOMES to see the sequence)`);
      }
      throw err;
    }
    if (!fasta || !fai) return without(`${marker.variety}'s genome ${basename(marker.fasta)}${fasta ? '.fai' : ''} is not there any more`);
    if (!(await isGzip(fasta))) return { id: marker.variety, fastaURL: `${api}?file=fasta`, indexURL: `${api}?file=fai` };
    if (!(await this.genomeFile(marker, 'gzi'))) return without(`${marker.variety}'s bgzip genome has no ${basename(marker.fasta)}.gzi beside it`);
    return { id: marker.variety, fastaURL: `${api}?file=fasta`, indexURL: `${api}?file=fai`, compressedIndexURL: `${api}?file=gzi` };
  }
}

const rank = (name: string) => {
  const i = SUMMARY_ORDER.indexOf(name);
  return i < 0 ? SUMMARY_ORDER.length : i;
};
