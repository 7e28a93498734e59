import { GenomeinferError, asResourceError } from '../errors.js';

/**
 * The exit statuses a scheduler (SLURM, Snakemake, a Kubernetes Job) can act on: the one
 * place they are decided. Commands return `exitCodeForSignal(…)` or throw; main.ts turns a
 * thrown error into its status with `exitCodeForError`.
 */
export const EXIT = {
  /** Everything asked for is done. */
  success: 0,
  /** Some input failed (a corrupt FASTA, a bad manifest row, an unknown model): running it again fails again. */
  failed: 1,
  /** Bad command line, checked before any work. */
  usage: 2,
  /**
   * The machine failed, not the input: out of memory, disk full, a killed worker, an I/O
   * error. BSD sysexits' EX_TEMPFAIL ("try again later"); a re-run resumes where it stopped.
   */
  retryable: 75,
} as const;

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** 128 + the signal's number, as shells report it: 130 for SIGINT, 143 for SIGTERM. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 1);
}

/** The status of a command that threw `err`. */
export function exitCodeForError(err: unknown): number {
  if (err instanceof GenomeinferError) {
    if (err.kind === 'usage') return EXIT.usage;
    if (err.kind === 'resource') return EXIT.retryable;
    return EXIT.failed;
  }
  // Untyped errors: a full disk or a dead worker reaches here as a raw system error.
  return asResourceError(err) ? EXIT.retryable : EXIT.failed;
}
