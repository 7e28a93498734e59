/**
 * Groups items submitted one at a time into batches of at most `maxBatch`, dispatched when
 * full, or `maxWaitMs` after the first item of a partial batch arrived if `idle()` says a
 * worker is free (a partial batch sent to busy workers would only queue, and odd batch
 * shapes cost ONNX Runtime re-planning). Items from any caller (chromosome, request) share
 * batches.
 */
export interface BatcherOptions {
  maxBatch: number;
  maxWaitMs: number;
  /** Whether a worker could start a batch now; partial batches wait while it is false. */
  idle?: () => boolean;
}

interface Pending<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export class Batcher<I, O> {
  private pending: Pending<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dispatch: (items: I[]) => Promise<O[]>,
    private readonly options: BatcherOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxBatch) this.flush();
      else this.arm();
    });
  }

  private arm(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.options.idle?.() === false) this.arm();
      else this.flush();
    }, this.options.maxWaitMs);
  }

  /** Dispatches whatever is pending now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.dispatch(batch.map((p) => p.item)).then(
      (outputs) => batch.forEach((p, i) => p.resolve(outputs[i]!)),
      (err) => batch.forEach((p) => p.reject(err)),
    );
  }
}
