/**
 * A counting semaphore bounding how many segments are read but not yet stitched, so a
 * producer reading a genome waits instead of queueing the genome in memory.
 */
export class Slots {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly capacity: number) {
    this.free = capacity;
  }

  get inUse(): number {
    return this.capacity - this.free;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}
