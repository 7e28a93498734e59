import { removeUnfinishedTempFiles } from '../writers/atomicFile.js';
import { exitCodeForSignal } from './exitCodes.js';

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
      process.exit(exitCodeForSignal(sig));
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
    return exitCodeForSignal(this.received!);
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

/**
 * Runs a command's work under an Interruption: `work` gets the signal that a first SIGINT or
 * SIGTERM aborts (its outputs are then aborted by the pipeline), an error after such a signal
 * is the stop itself, and `cleanup` (closing the engine and inputs) always runs. Returns the
 * exit status for the signal received, or undefined when the work finished. `predict`,
 * `attribute` and `effects` share it.
 */
export async function runInterruptible(
  log: (line: string) => void,
  work: (signal: AbortSignal) => Promise<void>,
  cleanup: () => Promise<void>,
): Promise<number | undefined> {
  const interrupt = new Interruption(log);
  try {
    await work(interrupt.signal);
  } catch (err) {
    if (!interrupt.received) throw err;
  } finally {
    await cleanup();
    interrupt.dispose();
  }
  if (!interrupt.received) return undefined;
  log(`stopped by ${interrupt.received}; no output was written`);
  return interrupt.exitCode;
}
