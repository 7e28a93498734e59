import type { Progress } from '../pipeline/predictChromosomes.js';

/**
 * A one-line progress bar on a TTY (stderr), redrawn at most 10 times a second:
 * percent, megabases done/total, current chromosome, rate and ETA. Not on a TTY (logs,
 * CI, job runners) it prints a plain line at every 10%.
 */
export class ProgressBar {
  private last = 0;
  private readonly started = performance.now();
  private drawn = false;
  private lastDecile = 0;

  /** `unit`: how amounts are shown, Mb for genomes (default) or single bases (a region being attributed). */
  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly unit: 'Mb' | 'bases' = 'Mb',
  ) {}

  private amount(bases: number): string {
    return this.unit === 'Mb' ? (bases / 1e6).toFixed(1) : bases.toFixed(0);
  }

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(p: Progress): void {
    const now = performance.now();
    if (!this.enabled) {
      const decile = Math.floor((10 * p.basesDone) / Math.max(1, p.basesTotal));
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(`progress: ${decile * 10}% (${this.amount(p.basesDone)}/${this.amount(p.basesTotal)} ${this.unit}, ${((now - this.started) / 1000).toFixed(1)} s)\n`);
      }
      return;
    }
    if (now - this.last < 100 && p.basesDone < p.basesTotal) return;
    this.last = now;
    const frac = p.basesTotal ? p.basesDone / p.basesTotal : 1;
    const width = 30;
    const filled = Math.round(frac * width);
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? p.basesDone / seconds : 0;
    const eta = rate > 0 ? (p.basesTotal - p.basesDone) / rate : 0;
    this.stream.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ` +
        `${this.amount(p.basesDone)}/${this.amount(p.basesTotal)} ${this.unit} ${p.chrom} ${this.amount(rate)} ${this.unit}/s ETA ${eta.toFixed(0)}s\x1b[K`,
    );
    this.drawn = true;
  }

  /** A log line that does not tear the bar: on a TTY the bar is cleared and redrawn by the next update. */
  log(line: string): void {
    this.stream.write(this.drawn ? `\r\x1b[K${line}\n` : `${line}\n`);
    this.last = 0;
  }

  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
