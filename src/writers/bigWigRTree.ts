import type { Bp } from '../genome.js';
import { ByteWriter, R_TREE_MAGIC } from './bigWigBytes.js';

/**
 * One compressed block in the file and the range its items cover (0-based, half-open): from
 * `start` on `chromId` to `end` on `endChromId` (default `chromId`; a zoom block may hold
 * the records of several consecutive short chromosomes, as kent's writers do).
 */
export interface BlockEntry {
  chromId: number;
  start: Bp;
  end: Bp;
  endChromId?: number;
  /** Byte offset of the block in the file. */
  offset: number;
  /** Compressed size of the block in bytes. */
  size: number;
}

/** R-tree fan-out, kent's default (bedGraphToBigWig -blockSize). */
export const R_TREE_BLOCK_SIZE = 256;

const HEADER_BYTES = 48;
const LEAF_SLOT_BYTES = 32;
const INDEX_SLOT_BYTES = 24;

interface Bounds {
  startChrom: number;
  startBase: Bp;
  endChrom: number;
  endBase: Bp;
}

/** Blocks in the order the tree needs: by chromosome id, then start (we write them in FASTA order). */
export function sortBlocks(blocks: BlockEntry[]): BlockEntry[] {
  return blocks.sort((a, b) => a.chromId - b.chromId || a.start - b.start);
}

function union(parts: readonly Bounds[]): Bounds {
  const first = parts[0]!;
  let { endChrom, endBase } = first;
  for (const p of parts) {
    if (p.endChrom > endChrom || (p.endChrom === endChrom && p.endBase > endBase)) {
      endChrom = p.endChrom;
      endBase = p.endBase;
    }
  }
  return { startChrom: first.startChrom, startBase: first.startBase, endChrom, endBase };
}

/** Groups of `size` consecutive items. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The "cir tree" index (magic 0x2468ACE0) over `blocks`, sorted with sortBlocks, to be written
 * at `indexOffset`. Laid out as kent's cirTreeFileBulkIndexToOpenFile does with one block per
 * leaf slot: a 48-byte header, then the levels from the root down to the leaves, each node
 * padded to `blockSize` slots so that child offsets follow from positions alone.
 * `itemsPerSlot` is recorded in the header as kent does (1 for data, the block's record count
 * for zoom levels); readers do not use it.
 */
export function rTreeBytes(blocks: readonly BlockEntry[], indexOffset: number, itemsPerSlot: number, blockSize = R_TREE_BLOCK_SIZE): Buffer {
  const leafBounds: Bounds[] = blocks.map((b) => ({ startChrom: b.chromId, startBase: b.start, endChrom: b.endChromId ?? b.chromId, endBase: b.end }));
  // levels[0] = leaf nodes (groups of blocks); levels[k] = groups of level k-1 nodes; last = root.
  const levels: Bounds[][] = [chunks(leafBounds, blockSize).map(union)];
  if (levels[0]!.length === 0) levels[0] = [{ startChrom: 0, startBase: 0, endChrom: 0, endBase: 0 }];
  while (levels.at(-1)!.length > 1) levels.push(chunks(levels.at(-1)!, blockSize).map(union));

  const leafNodeBytes = 4 + blockSize * LEAF_SLOT_BYTES;
  const indexNodeBytes = 4 + blockSize * INDEX_SLOT_BYTES;
  const nodeBytes = (level: number) => (level === 0 ? leafNodeBytes : indexNodeBytes);
  // File offset of each level's first node: the root comes first.
  const levelOffset: number[] = new Array(levels.length);
  let at = indexOffset + HEADER_BYTES;
  for (let level = levels.length - 1; level >= 0; level--) {
    levelOffset[level] = at;
    at += levels[level]!.length * nodeBytes(level);
  }

  const w = new ByteWriter(at - indexOffset);
  const root = levels.at(-1)![0]!;
  w.u32(R_TREE_MAGIC).u32(blockSize).u64(blocks.length);
  w.u32(root.startChrom).u32(root.startBase).u32(root.endChrom).u32(root.endBase);
  w.u64(indexOffset).u32(itemsPerSlot).u32(0);
  for (let level = levels.length - 1; level >= 1; level--) {
    const children = levels[level - 1]!;
    for (let node = 0; node < levels[level]!.length; node++) {
      const first = node * blockSize;
      const slots = Math.min(blockSize, children.length - first);
      w.u8(0).u8(0).u16(slots);
      for (let s = 0; s < slots; s++) {
        const c = children[first + s]!;
        w.u32(c.startChrom).u32(c.startBase).u32(c.endChrom).u32(c.endBase);
        w.u64(levelOffset[level - 1]! + (first + s) * nodeBytes(level - 1));
      }
      w.zeros((blockSize - slots) * INDEX_SLOT_BYTES);
    }
  }
  for (let node = 0; node < levels[0]!.length; node++) {
    const first = node * blockSize;
    const slots = Math.max(0, Math.min(blockSize, blocks.length - first));
    w.u8(1).u8(0).u16(slots);
    for (let s = 0; s < slots; s++) {
      const b = blocks[first + s]!;
      w.u32(b.chromId).u32(b.start).u32(b.endChromId ?? b.chromId).u32(b.end).u64(b.offset).u64(b.size);
    }
    w.zeros((blockSize - slots) * LEAF_SLOT_BYTES);
  }
  return w.done();
}
