import type { Bp } from '../genome.js';
import type { Interval } from './riceLayout.js';

/**
 * Maps intervals of a base sequence onto a copy with insertions and deletions (substitutions
 * move nothing). Indels are added in increasing base position while the copy is written.
 *
 * Conventions, 0-based half-open: an insertion "at p" goes between base p − 1 and base p, so it
 * lies outside any interval that starts or ends at p (it is only inside one that strictly
 * contains that junction). A deleted base takes its interval's edge to the nearest kept base;
 * an interval whose bases are all deleted is gone.
 */
export class CoordinateMap {
  /** Base position of each indel. */
  private readonly at: Bp[] = [];
  /** Bases deleted there (0 for an insertion). */
  private readonly deleted: Bp[] = [];
  /** Copy position − base position, for kept bases from this indel on (up to the next one). */
  private readonly shift: Bp[] = [];

  insertion(atBp: Bp, lengthBp: Bp): void {
    this.add(atBp, 0, lengthBp);
  }

  deletion(startBp: Bp, lengthBp: Bp): void {
    this.add(startBp, lengthBp, -lengthBp);
  }

  private add(atBp: Bp, deletedBp: Bp, change: Bp): void {
    const last = this.at.length - 1;
    if (last >= 0 && atBp < this.at[last]! + this.deleted[last]!) throw new Error(`indel at ${atBp} is not after the previous one`);
    this.at.push(atBp);
    this.deleted.push(deletedBp);
    this.shift.push((last >= 0 ? this.shift[last]! : 0) + change);
  }

  /** The copy's position of an interval starting at base position s. */
  start(s: Bp): Bp {
    return this.map(s, this.lastIndex(s, true));
  }

  /** The copy's position of an interval ending (exclusive) at base position e. */
  end(e: Bp): Bp {
    return this.map(e, this.lastIndex(e, false));
  }

  /** The interval in the copy's coordinates, or undefined when all of its bases were deleted. */
  interval(i: Interval): Interval | undefined {
    const startBp = this.start(i.startBp);
    const endBp = this.end(i.endBp);
    return startBp < endBp ? { startBp, endBp } : undefined;
  }

  private map(pos: Bp, k: number): Bp {
    if (k < 0) return pos;
    const before = k > 0 ? this.shift[k - 1]! : 0;
    // Inside a deletion: the edge moves to where the deletion was (the next kept base's position).
    if (pos < this.at[k]! + this.deleted[k]!) return this.at[k]! + before;
    return pos + this.shift[k]!;
  }

  /** The last indel at ≤ pos (inclusive) or < pos (exclusive), by binary search; −1 if none. */
  private lastIndex(pos: Bp, inclusive: boolean): number {
    let lo = 0;
    let hi = this.at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (inclusive ? this.at[mid]! <= pos : this.at[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}
