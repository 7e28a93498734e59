import { deflateSync, type ZlibOptions } from 'node:zlib';
import type { Bp, Chromosome } from '../genome.js';
import { binCount } from '../genome.js';
import { AtomicFile, type FilePatch } from './atomicFile.js';
import { BIGWIG_MAGIC, bufferViews, ByteWriter, MAX_UINT32 } from './bigWigBytes.js';
import { chromEntries, chromTreeBytes, CHROM_TREE_BLOCK_SIZE, type ChromEntry } from './bigWigChromTree.js';
import { R_TREE_BLOCK_SIZE, rTreeBytes, sortBlocks, type BlockEntry } from './bigWigRTree.js';
import { ITEMS_PER_SLOT, planSections, sectionBytes, writeSection } from './bigWigSections.js';
import { END, MAX_ZOOM_LEVELS, START, ZOOM_RECORD_BYTES, writeZoomRecords, zoomField, zoomFromBins, zoomFromZoom, zoomReductions, type ZoomRecords } from './bigWigZoom.js';
import { frameStored, STORED_HEADER_BYTES, STORED_OVERHEAD_BYTES } from './zlibStored.js';

export interface BigWigOptions {
  /** Bin size of every chromosome's values. */
  binBp: Bp;
  /** Items per data section and records per zoom block (default 1024, at most 65535). */
  itemsPerSlot?: number;
  /** Fan-out of the chromosome B+ tree and the R-tree indexes (default 256). */
  blockSize?: number;
}

/**
 * zlib settings for a block of `bytes`: the defaults, except that a small block (a short
 * scaffold's data section or zoom block) gets a window and hash table sized to it. At the
 * defaults zlib sets up ~256 kB of state and a 16-kB output chunk per call, which dominated
 * writing an assembly of 20,000 scaffolds; any zlib reader inflates either.
 */
function deflateOptions(bytes: number, zoom: boolean): ZlibOptions | undefined {
  // (Blocks of at most STORED_MAX_BYTES are not deflated at all: see zlibStored.)
  // Zoom records (float32 sums) hardly compress: zlib's fastest level makes them 1% larger
  // in a quarter less time, and 20,000 scaffolds make several MB of them per track.
  const level = zoom ? 1 : undefined;
  if (bytes > 4096) return level === undefined ? undefined : { level };
  const windowBits = Math.max(9, Math.ceil(Math.log2(bytes + 1)));
  return { windowBits, memLevel: Math.max(1, windowBits - 7), chunkSize: Math.max(64, bytes + 64), ...(level === undefined ? {} : { level }) };
}

/**
 * `f()`, with what it throws returned as a rejected promise: the add methods run without an
 * async frame (a short scaffold's whole bigWig work is a few microseconds), yet still fail
 * the way an async method does.
 */
function rejectingThrows(f: () => Promise<void>): Promise<void> {
  try {
    return f();
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Blocks this small are written as stored zlib blocks (frameStored), not deflated. */
const STORED_MAX_BYTES = 256;

/**
 * One zoom level's records of short chromosomes (fewer than itemsPerSlot records at that
 * level), held until close: there they are sorted by chromosome id and packed into shared
 * blocks of itemsPerSlot records, as kent's writers pack them, so a short scaffold does not
 * cost a block per zoom level. (Packed in arrival order instead, a block would mix ids out
 * of order whenever FASTA order is not name order — scaffold_10 before scaffold_2 — and
 * libBigWig stops reading a block at the first record past the chromosome it wants.)
 * Records are 32 bytes each; 20,000 scaffolds hold a few MB per track.
 */
interface HeldZoom {
  bytes: Buffer;
  used: number;
  /** Per held chromosome: its id, the byte offset of its records and their count. */
  chromIds: number[];
  offsets: number[];
  counts: number[];
}

/** A genome's chromosomes as a bigWig names them: ids, B+ tree, and two ways to find an entry. */
interface ChromIndex {
  tree: Buffer;
  byName: ReadonlyMap<string, ChromEntry>;
  /** Entries in the order the chromosomes were given (FASTA order), which is the usual order they are added in. */
  inOrder: readonly ChromEntry[];
  /** By id: the entry's place in inOrder. */
  placeOf: Uint32Array;
}

/**
 * A genome's chromosome index, built once for every bigWig written over the same chromosome
 * list (a run writes one per label; with 20,000 scaffolds each build is a sort, a tree and a
 * map of 20,000 names). Only read, never changed.
 */
const chromIndexes = new WeakMap<readonly Chromosome[], Map<number, ChromIndex>>();

function chromIndex(chromosomes: readonly Chromosome[], blockSize: number): ChromIndex {
  let byBlockSize = chromIndexes.get(chromosomes);
  if (!byBlockSize) chromIndexes.set(chromosomes, (byBlockSize = new Map()));
  let index = byBlockSize.get(blockSize);
  if (!index) {
    const entries = chromEntries(chromosomes);
    const byName = new Map(entries.map((c) => [c.name, c]));
    const inOrder = chromosomes.map((c) => byName.get(c.name)!);
    const placeOf = new Uint32Array(entries.length);
    for (const [i, c] of inOrder.entries()) placeOf[c.id] = i;
    index = { tree: chromTreeBytes(entries, CHROM_TREE_OFFSET, blockSize), byName, inOrder, placeOf };
    byBlockSize.set(blockSize, index);
  }
  return index;
}

/** File layout: a 64-byte header, ten reserved zoom headers, the 40-byte total summary. */
const HEADER_BYTES = 64;
const ZOOM_HEADER_BYTES = 24;
const TOTAL_SUMMARY_OFFSET = HEADER_BYTES + MAX_ZOOM_LEVELS * ZOOM_HEADER_BYTES;
const CHROM_TREE_OFFSET = TOTAL_SUMMARY_OFFSET + 40;

/**
 * A streaming bigWig writer (UCSC format version 4, as kent's bedGraphToBigWig writes it) for
 * per-bin tracks: `create` with the genome's chromosomes, `addChromosome` once per chromosome
 * with its bins, `close`. Memory holds one chromosome's zoom summaries plus one index entry
 * per compressed block, and the zoom records of short chromosomes (HeldZoom), not the genome.
 *
 * Layout: header, zoom headers and total summary are reserved up front and patched on close;
 * the chromosome B+ tree follows (chromosomes are known up front), then the data. Each
 * chromosome's compressed data sections are written when it arrives, followed by its zoom
 * blocks for every level at which it fills one; fewer records than that are held and written
 * on close in blocks shared by chromosomes (HeldZoom). On close then come the data R-tree and, per zoom level, the record
 * count and that level's R-tree, then the magic again at the very end (kent checks it).
 * Kent puts each zoom level's blocks just before its index instead; readers (kent, libBigWig
 * / pyBigWig, @gmod/bbi, IGV) find blocks only through the R-trees' offsets, and streaming
 * zoom blocks with their chromosome keeps them out of memory without a second temp file.
 *
 * The file appears atomically (AtomicFile): `abort` or a failed `close` leaves nothing.
 */
export class BigWigWriter {
  /** Where in index.inOrder the next chromosome is looked for first. */
  private nextInOrder = 0;
  /** 1 for each chromosome id already written. */
  private readonly added: Uint8Array;
  private readonly reductions: Bp[];
  private readonly itemsPerSlot: number;
  private readonly blockSize: number;
  private readonly dataBlocks: BlockEntry[] = [];
  private readonly zoomBlocks: BlockEntry[][];
  private readonly zoomRecordCounts: number[];
  private readonly heldZoom: HeldZoom[];
  /** One block's room of zoom records, reused (deflate copies it out). */
  private readonly zoomBlock: Buffer;
  private readonly zoomScratch: [Float64Array, Float64Array] = [new Float64Array(0), new Float64Array(0)];
  private dataOffset = 0;
  /** Bytes written so far: the offset of the next write. */
  private position = 0;
  /** Largest uncompressed block, which readers size their inflate buffer by. */
  private maxBlockBytes = 0;
  /** The file's staging buffer (AtomicFile.stageRoom) as of the last stage(). */
  private stageBuffer: Buffer = Buffer.alloc(0);
  private summary = { bases: 0, min: Infinity, max: -Infinity, sum: 0, sumSquares: 0 };

  private constructor(
    private readonly file: AtomicFile,
    private readonly index: ChromIndex,
    private readonly binBp: Bp,
    options: BigWigOptions,
  ) {
    this.added = new Uint8Array(index.inOrder.length);
    this.itemsPerSlot = options.itemsPerSlot ?? ITEMS_PER_SLOT;
    this.blockSize = options.blockSize ?? R_TREE_BLOCK_SIZE;
    this.reductions = zoomReductions(binBp, index.inOrder.map((c) => c.length));
    this.zoomBlocks = this.reductions.map(() => []);
    this.zoomRecordCounts = this.reductions.map(() => 0);
    this.heldZoom = this.reductions.map(() => ({ bytes: Buffer.alloc(0), used: 0, chromIds: [], offsets: [], counts: [] }));
    this.zoomBlock = Buffer.alloc(this.itemsPerSlot * ZOOM_RECORD_BYTES);
  }

  get path(): string {
    return this.file.path;
  }

  /** Zoom levels' reductions in bp, finest first. */
  get zoomLevels(): readonly Bp[] {
    return this.reductions;
  }

  /** Opens `path` (under a temporary name) for `chromosomes` in any order; writes the file head. */
  static async create(path: string, chromosomes: readonly Chromosome[], options: BigWigOptions): Promise<BigWigWriter> {
    const { binBp, itemsPerSlot = ITEMS_PER_SLOT, blockSize = R_TREE_BLOCK_SIZE } = options;
    if (!Number.isInteger(binBp) || binBp < 1) throw new Error(`bigWig: bin size must be a positive integer, not ${binBp}`);
    if (!Number.isInteger(itemsPerSlot) || itemsPerSlot < 1 || itemsPerSlot > 0xffff) throw new Error(`bigWig: itemsPerSlot must be in [1, 65535], not ${itemsPerSlot}`);
    if (!Number.isInteger(blockSize) || blockSize < 2 || blockSize > 0xffff) throw new Error(`bigWig: blockSize must be in [2, 65535], not ${blockSize}`);
    for (const c of chromosomes) {
      if (!Number.isInteger(c.length) || c.length < 0 || c.length > MAX_UINT32) throw new Error(`bigWig: chromosome ${c.name} has length ${c.length}, outside what bigWig holds (0 to 2^32-1)`);
    }
    const index = chromIndex(chromosomes, Math.min(blockSize, CHROM_TREE_BLOCK_SIZE));
    const file = await AtomicFile.create(path);
    const w = new BigWigWriter(file, index, binBp, options);
    try {
      await w.append(Buffer.alloc(CHROM_TREE_OFFSET));
      await w.append(index.tree);
      w.dataOffset = w.position;
      await w.append(Buffer.alloc(8)); // data section count, patched on close
    } catch (err) {
      await file.abort();
      throw err;
    }
    return w;
  }

  /** Writes one chromosome's bins: `values[i]` covers [i × binBp, min((i+1) × binBp, length)). */
  addChromosome(name: string, values: Float32Array): Promise<void> {
    return rejectingThrows(() => {
      this.gatherChromosome(name, values);
      return this.flush();
    });
  }

  /**
   * addChromosome without the write: the chromosome's blocks are only gathered (throws what
   * addChromosome rejects with). For a group of short contigs, written by one flush() after
   * the last.
   */
  gatherChromosome(name: string, values: Float32Array): void {
    const chrom = this.declared(name);
    const nBins = binCount(chrom.length, this.binBp);
    if (values.length !== nBins) throw new Error(`bigWig ${this.path}: ${name} (${chrom.length} bp) needs ${nBins} bins of ${this.binBp} bp, got ${values.length}`);
    this.addBins(chrom, 0, values);
  }

  /** Writes what is gathered once it is worth a write (AtomicFile.flush). */
  flush(): Promise<void> {
    return this.file.flush();
  }

  /**
   * Writes values for one stretch of a chromosome only (a per-base track over one region):
   * `values[i]` covers bin startBp / binBp + i; the rest of the chromosome has no data.
   * One stretch per chromosome.
   */
  addRange(name: string, startBp: Bp, values: Float32Array): Promise<void> {
    return rejectingThrows(() => {
      const chrom = this.declared(name);
      const nBins = binCount(chrom.length, this.binBp);
      const firstBin = startBp / this.binBp;
      if (!Number.isInteger(firstBin) || firstBin < 0 || values.length < 1 || firstBin + values.length > nBins) {
        throw new Error(`bigWig ${this.path}: ${name} (${chrom.length} bp, ${this.binBp}-bp bins) has no stretch of ${values.length} bins starting at ${startBp}`);
      }
      this.addBins(chrom, firstBin, values);
      return this.flush();
    });
  }

  private declared(name: string): ChromEntry {
    // Chromosomes mostly come in the order they were declared: a name compared, not looked up.
    const next = this.index.inOrder[this.nextInOrder];
    const chrom = next !== undefined && next.name === name ? next : this.index.byName.get(name);
    if (!chrom) throw new Error(`bigWig ${this.path}: chromosome ${name} was not declared when the file was created`);
    this.nextInOrder = this.index.placeOf[chrom.id]! + 1;
    if (this.added[chrom.id]) throw new Error(`bigWig ${this.path}: chromosome ${name} added twice`);
    return chrom;
  }

  /** `values` covers bins [firstBin, firstBin + values.length) of `chrom`. */
  private addBins(chrom: ChromEntry, firstBin: number, values: Float32Array): void {
    this.addToSummary(chrom, values, firstBin);
    this.added[chrom.id] = 1;

    // Every block of one chromosome is gathered and flushed with one await: a short
    // scaffold's few blocks, each awaited, cost more than computing them. Small sections are
    // written straight into the file's staging buffer.
    for (const plan of planSections(chrom.length, this.binBp, values, this.itemsPerSlot, firstBin)) {
      if (plan.bytes <= STORED_MAX_BYTES) {
        const at = this.stage(plan.bytes);
        const { byteOffset } = this.stageBuffer;
        writeSection(bufferViews(this.stageBuffer.buffer).data, byteOffset + at + STORED_HEADER_BYTES, chrom.id, chrom.length, this.binBp, values, plan, firstBin);
        this.dataBlocks.push(this.staged(chrom.id, plan.start, plan.end, at, plan.bytes));
      } else {
        this.dataBlocks.push(this.appendBlock(chrom.id, plan.start, plan.end, sectionBytes(chrom.id, chrom.length, this.binBp, values, plan, firstBin)));
      }
    }
    let zoom: ZoomRecords | undefined;
    for (const [level, reduction] of this.reductions.entries()) {
      // Two scratch arrays, one level computed from the other: no allocation per level and
      // chromosome once they have grown (short scaffolds make tens of thousands of both).
      const into = this.zoomScratch[level % 2];
      zoom = zoom ? zoomFromZoom(zoom, reduction / this.reductions[level - 1]!, into) : zoomFromBins(values, this.binBp, chrom.length, reduction, firstBin, into);
      this.zoomScratch[level % 2] = zoom.data;
      this.addZoomRecords(level, chrom.id, zoom);
      this.zoomRecordCounts[level]! += zoom.count;
    }
  }

  /**
   * A chromosome's records at one level: its own blocks when it fills at least one, else held
   * for the shared blocks written on close (HeldZoom).
   */
  private addZoomRecords(level: number, chromId: number, zoom: ZoomRecords): void {
    if (zoom.count < this.itemsPerSlot) {
      const held = this.heldZoom[level]!;
      const need = held.used + zoom.count * ZOOM_RECORD_BYTES;
      if (need > held.bytes.length) {
        const grown = Buffer.alloc(Math.max(need, 2 * held.bytes.length, 64 * 1024));
        held.bytes.copy(grown, 0, 0, held.used);
        held.bytes = grown;
      }
      held.chromIds.push(chromId);
      held.offsets.push(held.used);
      held.counts.push(zoom.count);
      held.used = writeZoomRecords(held.bytes, held.used, chromId, zoom, 0, zoom.count);
      return;
    }
    for (let from = 0; from < zoom.count; from += this.itemsPerSlot) {
      const to = Math.min(from + this.itemsPerSlot, zoom.count);
      const end = writeZoomRecords(this.zoomBlock, 0, chromId, zoom, from, to);
      const start = zoomField(zoom, from, START);
      this.zoomBlocks[level]!.push(this.appendBlock(chromId, start, zoomField(zoom, to - 1, END), this.zoomBlock.subarray(0, end), true));
    }
  }

  /** The held records of one level, by chromosome id, in blocks of itemsPerSlot records. */
  private writeHeldZoom(level: number): void {
    const held = this.heldZoom[level]!;
    const order = held.chromIds.map((_, i) => i).sort((a, b) => held.chromIds[a]! - held.chromIds[b]!);
    const slot = this.itemsPerSlot * ZOOM_RECORD_BYTES;
    let used = 0;
    let first = { chromId: 0, start: 0 };
    const flush = () => {
      const lastAt = used - ZOOM_RECORD_BYTES;
      const last = { chromId: this.zoomBlock.readUInt32LE(lastAt), end: this.zoomBlock.readUInt32LE(lastAt + 8) };
      const entry = this.appendBlock(first.chromId, first.start, last.end, this.zoomBlock.subarray(0, used), true);
      this.zoomBlocks[level]!.push(last.chromId === first.chromId ? entry : { ...entry, endChromId: last.chromId });
      used = 0;
    };
    for (const i of order) {
      let at = held.offsets[i]!;
      const end = at + held.counts[i]! * ZOOM_RECORD_BYTES;
      while (at < end) {
        if (used === 0) first = { chromId: held.chromIds[i]!, start: held.bytes.readUInt32LE(at + 4) };
        const n = Math.min(end - at, slot - used);
        held.bytes.copy(this.zoomBlock, used, at, at + n);
        used += n;
        at += n;
        if (used === slot) flush();
      }
    }
    if (used > 0) flush();
    this.heldZoom[level] = { bytes: Buffer.alloc(0), used: 0, chromIds: [], offsets: [], counts: [] };
  }

  /** Writes the indexes, patches the head, and renames the file into place. */
  async close(): Promise<void> {
    try {
      for (let level = 0; level < this.reductions.length; level++) {
        this.writeHeldZoom(level);
        await this.file.flush();
      }
      const fullIndexOffset = this.position;
      await this.append(rTreeBytes(sortBlocks(this.dataBlocks), fullIndexOffset, 1, this.blockSize));
      const zooms: { dataOffset: number; indexOffset: number }[] = [];
      for (const [level, blocks] of this.zoomBlocks.entries()) {
        const dataOffset = this.position;
        await this.append(new ByteWriter(4).u32(this.zoomRecordCounts[level]!).done());
        const indexOffset = this.position;
        await this.append(rTreeBytes(sortBlocks(blocks), indexOffset, this.itemsPerSlot, this.blockSize));
        zooms.push({ dataOffset, indexOffset });
      }
      await this.append(new ByteWriter(4).u32(BIGWIG_MAGIC).done());
      await this.file.commit(this.head(fullIndexOffset, zooms));
    } catch (err) {
      await this.file.abort();
      throw err;
    }
  }

  /** Removes the temporary file; nothing is left behind. */
  async abort(): Promise<void> {
    await this.file.abort();
  }

  private head(fullIndexOffset: number, zooms: readonly { dataOffset: number; indexOffset: number }[]): FilePatch[] {
    const header = new ByteWriter(HEADER_BYTES)
      .u32(BIGWIG_MAGIC)
      .u16(4) // version
      .u16(zooms.length)
      .u64(CHROM_TREE_OFFSET)
      .u64(this.dataOffset)
      .u64(fullIndexOffset)
      .u16(0) // fieldCount: bigBed only
      .u16(0) // definedFieldCount
      .u64(0) // autoSqlOffset: none
      .u64(TOTAL_SUMMARY_OFFSET)
      .u32(this.maxBlockBytes) // uncompressBufSize: > 0 says blocks are compressed
      .u64(0) // extensionOffset: none
      .done();
    const zoomHeaders = new ByteWriter(zooms.length * ZOOM_HEADER_BYTES);
    for (const [level, z] of zooms.entries()) zoomHeaders.u32(this.reductions[level]!).u32(0).u64(z.dataOffset).u64(z.indexOffset);
    const s = this.summary;
    const empty = s.bases === 0;
    const totalSummary = new ByteWriter(40)
      .u64(s.bases)
      .f64(empty ? 0 : s.min)
      .f64(empty ? 0 : s.max)
      .f64(s.sum)
      .f64(s.sumSquares)
      .done();
    return [
      { position: 0, bytes: header },
      { position: HEADER_BYTES, bytes: zoomHeaders.done() },
      { position: TOTAL_SUMMARY_OFFSET, bytes: totalSummary },
      { position: this.dataOffset, bytes: new ByteWriter(8).u64(this.dataBlocks.length).done() },
    ];
  }

  /** Folds a chromosome into the total summary; refuses NaN/±Infinity before anything is written. */
  private addToSummary(chrom: ChromEntry, values: Float32Array, firstBin: number): void {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let sumSquares = 0;
    let covered = 0;
    for (let b = 0; b < values.length; b++) {
      const v = values[b]!;
      if (!Number.isFinite(v)) throw new Error(`bigWig ${this.path}: ${chrom.name} bin ${firstBin + b} is ${v}; only finite values can be written`);
      const bases = Math.min(this.binBp, chrom.length - (firstBin + b) * this.binBp);
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v * bases;
      sumSquares += v * v * bases;
      covered += bases;
    }
    const s = this.summary;
    s.bases += covered;
    s.min = Math.min(s.min, min);
    s.max = Math.max(s.max, max);
    s.sum += sum;
    s.sumSquares += sumSquares;
  }

  /** Compresses and writes one block (zlib, as kent's zCompress), returning its index entry. */
  private appendBlock(chromId: number, start: Bp, end: Bp, raw: Buffer, zoom = false): BlockEntry {
    if (raw.length <= STORED_MAX_BYTES) {
      const at = this.stage(raw.length);
      this.stageBuffer.set(raw, at + STORED_HEADER_BYTES);
      return this.staged(chromId, start, end, at, raw.length);
    }
    this.maxBlockBytes = Math.max(this.maxBlockBytes, raw.length);
    const compressed = deflateSync(raw, deflateOptions(raw.length, zoom));
    const entry = { chromId, start, end, offset: this.position, size: compressed.length };
    this.appendLater(compressed);
    return entry;
  }

  /** Room in the file's staging buffer for a stored block of `rawBytes`; returns where the block starts (its raw bytes go STORED_HEADER_BYTES later). */
  private stage(rawBytes: number): number {
    this.stageBuffer = this.file.stageRoom(rawBytes + STORED_OVERHEAD_BYTES);
    return this.file.stagedEnd;
  }

  /** Frames the raw bytes written after `at` (stage) as a stored zlib block; returns its index entry. */
  private staged(chromId: number, start: Bp, end: Bp, at: number, rawBytes: number): BlockEntry {
    this.maxBlockBytes = Math.max(this.maxBlockBytes, rawBytes);
    const blockEnd = frameStored(this.stageBuffer, at, rawBytes);
    const entry = { chromId, start, end, offset: this.position, size: blockEnd - at };
    this.file.staged(blockEnd);
    this.position += blockEnd - at;
    return entry;
  }

  private append(bytes: Buffer): Promise<void> {
    this.appendLater(bytes);
    return this.file.flush();
  }

  /** Bytes placed at `position` now, gathered by the file and written by its next flush. */
  private appendLater(bytes: Buffer): void {
    this.file.gather(bytes);
    this.position += bytes.length;
  }
}
