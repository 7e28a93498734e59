import type { Bp } from '../genome.js';
import { ByteWriter, CHROM_TREE_MAGIC } from './bigWigBytes.js';

/** A chromosome as the bigWig file names it: `id` is what data and index records carry. */
export interface ChromEntry {
  /** Its UTF-8 bytes are the B+ tree key, compared bytewise. */
  name: string;
  id: number;
  length: Bp;
}

/** B+ tree fan-out, as kent's bedGraphToBigWig / bigWigCat use. */
export const CHROM_TREE_BLOCK_SIZE = 256;

/**
 * Chromosome ids as kent assigns them: the rank of the name in bytewise order, so that a
 * name's position in the B+ tree is its id (kent's bbiCachedChromLookup relies on it).
 * Duplicate names are refused.
 */
export function chromEntries(chromosomes: readonly { name: string; length: Bp }[]): ChromEntry[] {
  // ASCII names order the same as strings and as UTF-8 bytes; comparing strings is far cheaper
  // than encoding and comparing bytes for an assembly's tens of thousands of scaffold names.
  const ascii = chromosomes.every((c) => /^[\x00-\x7f]*$/.test(c.name));
  const entries = chromosomes.map((c) => ({ name: c.name, id: 0, length: c.length }));
  if (ascii) entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  else {
    const keys = new Map(entries.map((e) => [e, Buffer.from(e.name, 'utf8')]));
    entries.sort((a, b) => Buffer.compare(keys.get(a)!, keys.get(b)!));
  }
  for (const [id, e] of entries.entries()) {
    // Equal UTF-8 bytes are equal names (names come decoded from bytes: no lone surrogates).
    if (id > 0 && entries[id - 1]!.name === e.name) throw new Error(`bigWig: chromosome ${e.name} is listed twice`);
    e.id = id;
  }
  return entries;
}

/**
 * The chromosome B+ tree (magic 0x78CA8C91) for `entries` sorted by key, laid out as kent's
 * bptFileBulkIndexToOpenFile does: 32-byte header, then the index levels from the root down,
 * then the leaves; every node is padded to `blockSize` slots so child offsets follow from
 * positions alone. Keys are names zero-padded to the longest; values are (id, length).
 */
export function chromTreeBytes(entries: readonly ChromEntry[], treeOffset: number, maxBlockSize = CHROM_TREE_BLOCK_SIZE): Buffer {
  const count = entries.length;
  if (count === 0) throw new Error('bigWig: no chromosomes');
  const blockSize = Math.min(maxBlockSize, count);
  const keySize = entries.reduce((m, e) => Math.max(m, Buffer.byteLength(e.name, 'utf8')), 1);
  const valSize = 8;
  const indexNodeBytes = 4 + blockSize * (keySize + 8);
  const leafNodeBytes = 4 + blockSize * (keySize + valSize);

  // Levels above the leaves: each level's slots each cover blockSize^level items.
  let levels = 1;
  for (let n = count; n > blockSize; n = Math.ceil(n / blockSize)) levels++;
  const nodesAt = (level: number) => Math.ceil(count / blockSize ** (level + 1));
  let size = 32 + nodesAt(0) * leafNodeBytes;
  for (let level = 1; level < levels; level++) size += nodesAt(level) * indexNodeBytes;

  const w = new ByteWriter(size);
  w.u32(CHROM_TREE_MAGIC).u32(blockSize).u32(keySize).u32(valSize).u64(count).zeros(8);
  let levelOffset = treeOffset + 32;
  for (let level = levels - 1; level >= 1; level--) {
    const slotItems = blockSize ** level;
    const nodeItems = slotItems * blockSize;
    const childBytes = level === 1 ? leafNodeBytes : indexNodeBytes;
    let nextChild = levelOffset + nodesAt(level) * indexNodeBytes;
    for (let first = 0; first < count; first += nodeItems) {
      const slots = Math.min(blockSize, Math.ceil((count - first) / slotItems));
      w.u8(0).u8(0).u16(slots);
      for (let s = 0; s < slots; s++) {
        w.utf8(entries[first + s * slotItems]!.name, keySize).u64(nextChild);
        nextChild += childBytes;
      }
      w.zeros((blockSize - slots) * (keySize + 8));
    }
    levelOffset += nodesAt(level) * indexNodeBytes;
  }
  for (let first = 0; first < count; first += blockSize) {
    const slots = Math.min(blockSize, count - first);
    w.u8(1).u8(0).u16(slots);
    for (let s = 0; s < slots; s++) {
      const e = entries[first + s]!;
      w.utf8(e.name, keySize).u32(e.id).u32(e.length);
    }
    w.zeros((blockSize - slots) * (keySize + valSize));
  }
  return w.done();
}
