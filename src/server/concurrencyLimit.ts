/**
 * A non-blocking admission limit: at most `max` holders at once, and a caller beyond that
 * is told no at once (the route answers 503 + Retry-After) instead of waiting in an
 * unbounded line of open connections.
 */
export class ConcurrencyLimit {
  private holders = 0;

  constructor(readonly max: number) {}

  get active(): number {
    return this.holders;
  }

  /** A release function, or undefined when full. Releasing twice is harmless. */
  tryAcquire(): (() => void) | undefined {
    if (this.holders >= this.max) return undefined;
    this.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders--;
    };
  }
}
