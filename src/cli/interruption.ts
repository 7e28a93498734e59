import { removeUnfinishedTempFiles } from '../writers/atomicFile.js';

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/**
 * SIGINT/SIGTERM during a command that writes outputs: the first signal aborts `signal`, so
 * the work stops and its outputs are aborted (no temporary files left); a second exits at
 * once, removing the temporary files first.
 */
export class Interruption {
  private readonly controller = new AbortController();
  received: NodeJS.Signals | undefined;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    if (this.received) {
      removeUnfinishedTempFiles();
      process.exit(128 + (SIGNAL_NUMBERS[sig] ?? 1));
    }
    this.received = sig;
    this.log(`${sig}: stopping (a second signal exits at once)`);
    this.controller.abort(sig);
  };

  constructor(private readonly log: (line: string) => void) {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The conventional exit status for the signal received: 128 + its number. */
  get exitCode(): number {
    return 128 + (SIGNAL_NUMBERS[this.received!] ?? 1);
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
