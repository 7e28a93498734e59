/**
 * Reuses ArrayBuffers by size. Batch buffers go to a worker and come back with its result
 * (transferred both ways); without reuse every batch is a fresh multi-hundred-kB allocation,
 * freed only when some thread's GC gets round to it, so memory grew with genome size.
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();

  constructor(private readonly maxPerSize = 64) {}

  take(byteLength: number): ArrayBuffer {
    return this.free.get(byteLength)?.pop() ?? new ArrayBuffer(byteLength);
  }

  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0) return; // detached
    let list = this.free.get(buffer.byteLength);
    if (!list) this.free.set(buffer.byteLength, (list = []));
    if (list.length < this.maxPerSize) list.push(buffer);
  }
}
