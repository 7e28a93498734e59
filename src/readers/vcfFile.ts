import { open, stat } from 'node:fs/promises';
import { constants, gunzipSync } from 'node:zlib';
import { TabixIndexedFile } from '@gmod/tabix';
import VCFParser, { type Variant } from '@gmod/vcf';
import { InputError, errorMessage } from '../errors.js';

/**
 * A bgzipped, tabix- or CSI-indexed VCF read with @gmod/tabix and @gmod/vcf. Everything that
 * can be checked before reading records is checked on open, each failure naming the file and
 * the one command that fixes it: plain gzip, uncompressed, BCF, no index, no such sample.
 */
export class VcfFile {
  private constructor(
    readonly path: string,
    readonly indexPath: string,
    private readonly tabix: TabixIndexedFile,
    private readonly parser: VCFParser,
    /** Sequence names that have records (from the index), in index order. */
    readonly contigs: readonly string[],
    /** The header lines ('##…' and '#CHROM…'), as in the file. */
    readonly header: string,
  ) {}

  get samples(): readonly string[] {
    return this.parser.samples;
  }

  static async open(path: string): Promise<VcfFile> {
    await sniffVcf(path);
    const indexPath = await findIndex(path);
    const tabix = new TabixIndexedFile(
      indexPath.endsWith('.csi') ? { path, csiPath: indexPath, chunkCacheSize: 1 << 24 } : { path, tbiPath: indexPath, chunkCacheSize: 1 << 24 },
    );
    let header: string;
    let contigs: string[];
    try {
      header = await tabix.getHeader();
      contigs = await tabix.getReferenceSequenceNames();
    } catch (err) {
      throw new InputError('vcf_index_invalid', `cannot read ${path} with its index ${indexPath} (${errorMessage(err)}): re-create the index with: bcftools index -f -t ${path}`);
    }
    let parser: VCFParser;
    try {
      parser = new VCFParser({ header, strict: false });
    } catch (err) {
      throw new InputError('vcf_header_invalid', `${path}: the VCF header cannot be parsed (${errorMessage(err)})`);
    }
    if (!header.split('\n').some((l) => l.startsWith('#CHROM'))) {
      throw new InputError('vcf_header_invalid', `${path}: the VCF header has no #CHROM line`);
    }
    return new VcfFile(path, indexPath, tabix, parser, contigs, header);
  }

  /** Column index of a sample; an unknown name lists a few the file has. */
  sampleIndex(name: string): number {
    const i = this.samples.indexOf(name);
    if (i >= 0) return i;
    const some = this.samples.slice(0, 5).join(', ');
    const has = this.samples.length === 0 ? 'has no sample columns' : `has ${this.samples.length} samples (${some}${this.samples.length > 5 ? ', …' : ''})`;
    throw new InputError('vcf_sample_unknown', `${this.path} has no sample named '${name}'; it ${has} (list them with: bcftools query -l ${this.path})`);
  }

  /**
   * The records of `chrom` whose POS lies in [start, end) (1-based POS - 1, i.e. 0-based
   * start), in file order, parsed by @gmod/vcf. Windows are queried by start position, so a
   * deletion crossing a window edge is seen exactly once.
   */
  async records(chrom: string, start: number, end: number, onRecord: (v: Variant) => void): Promise<void> {
    try {
      await this.tabix.getLines(chrom, start, end, (line) => {
        const tab = line.indexOf('\t');
        const tab2 = line.indexOf('\t', tab + 1);
        const pos0 = Number(line.slice(tab + 1, tab2)) - 1;
        if (pos0 < start || pos0 >= end) return;
        onRecord(this.parser.parseLine(line));
      });
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError('vcf_unreadable', `${this.path}: reading ${chrom}:${start + 1}-${end} failed (${errorMessage(err)}): the file is damaged, or its index ${this.indexPath} belongs to another version of it (re-create it with: bcftools index -f -t ${this.path})`);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function findIndex(path: string): Promise<string> {
  for (const candidate of [`${path}.tbi`, `${path}.csi`]) if (await exists(candidate)) return candidate;
  throw new InputError(
    'vcf_index_missing',
    `${path} has no index (neither ${path}.tbi nor ${path}.csi); create one with: bcftools index -t ${path} (a VCF must be sorted to be indexed: bcftools sort -Oz -o sorted.vcf.gz ${path})`,
  );
}

/** bgzip, not plain gzip; VCF text, not BCF and not something else. */
async function sniffVcf(path: string): Promise<void> {
  if (!(await exists(path))) throw new InputError('vcf_not_found', `VCF not found: ${path}`);
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(1 << 16);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (head.length === 0) throw new InputError('vcf_empty', `empty VCF: ${path} has no bytes`);
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (!gzip) {
    if (head.subarray(0, 16).toString('latin1').startsWith('##fileformat=VCF')) {
      throw new InputError('vcf_not_compressed', `${path} is an uncompressed VCF; genomeinfer reads bgzipped, indexed VCF: bgzip ${path} && bcftools index -t ${path}.gz`);
    }
    throw new InputError('vcf_not_vcf', `${path} is not a bgzipped VCF (it does not start with gzip magic bytes)`);
  }
  const bgzip = head.length >= 16 && (head[3]! & 4) !== 0 && head[12] === 0x42 && head[13] === 0x43;
  let content: Buffer;
  try {
    content = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    throw new InputError('vcf_unreadable', `${path} starts like a gzip file but cannot be decompressed: it is damaged`);
  }
  if (content.subarray(0, 3).toString('latin1') === 'BCF') {
    throw new InputError('vcf_is_bcf', `${path} is BCF, which no JavaScript reader reads; convert it once with: bcftools view -Oz -o out.vcf.gz ${path} && bcftools index -t out.vcf.gz`);
  }
  if (!bgzip) {
    throw new InputError('vcf_not_bgzip', `${path} is gzip- but not bgzip-compressed, so it cannot be indexed; recompress it with: zcat ${path} | bgzip > out.vcf.gz && bcftools index -t out.vcf.gz`);
  }
  if (!content.subarray(0, 16).toString('latin1').startsWith('##fileformat=VCF')) {
    throw new InputError('vcf_not_vcf', `${path} is not VCF: it does not start with a ##fileformat=VCF line`);
  }
}
