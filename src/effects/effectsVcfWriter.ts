import type { LoadedModel } from '../models/repository.js';
import { AtomicFile } from '../writers/atomicFile.js';
import { BgzfWriter } from '../writers/bgzfWriter.js';
import { TabixIndexBuilder } from '../writers/tabixIndex.js';
import type { VariantScore } from './variantEffects.js';

/** The INFO keys of a label's two scores. */
export function effectKeys(label: string): { maxAbs: string; delta: string } {
  const id = label.replace(/[^0-9A-Za-z_.]/g, '_');
  return { maxAbs: `GI_${id}_MAXABS`, delta: `GI_${id}_DELTA` };
}

/**
 * The input VCF's records with each label's effect scores added as INFO fields (declared in
 * the header, Number=A: one value per ALT, '.' for an ALT not scored), bgzipped, with a
 * tabix index (.tbi) written alongside: bcftools view, query and region queries read it.
 * Both files appear only when complete.
 */
export class EffectsVcfWriter {
  private readonly index = new TabixIndexBuilder();

  private constructor(
    private readonly vcf: BgzfWriter,
    private readonly labels: readonly string[],
  ) {}

  static async create(path: string, inputHeader: string, model: LoadedModel, command: string): Promise<EffectsVcfWriter> {
    const writer = new EffectsVcfWriter(await BgzfWriter.create(path), model.manifest.labels);
    const lines = inputHeader.trimEnd().split('\n');
    const chromLine = lines.findIndex((l) => l.startsWith('#CHROM'));
    const info = model.manifest.labels.flatMap((label) => {
      const k = effectKeys(label);
      return [
        `##INFO=<ID=${k.maxAbs},Number=A,Type=Float,Description="genomeinfer ${model.key}: max |P(ALT) - P(REF)| of ${label} over the bins the variant reaches (the core of the model window around it)">`,
        `##INFO=<ID=${k.delta},Number=A,Type=Float,Description="genomeinfer ${model.key}: P(ALT) - P(REF) of ${label} in the variant's own bin">`,
      ];
    });
    const header = [...lines.slice(0, chromLine), ...info, `##genomeinfer_effectsCommand=${command}`, ...lines.slice(chromLine)];
    await writer.vcf.write(`${header.join('\n')}\n`);
    return writer;
  }

  async write(score: VariantScore): Promise<void> {
    const v = score.variant;
    const line = v.line.replace(/[\r\n]+$/, '');
    const fields = line.split('\t');
    const values = this.labels.flatMap((label, l) => {
      const k = effectKeys(label);
      const fmt = (xs: number[]) => xs.map((x) => (Number.isNaN(x) ? '.' : formatScore(x))).join(',');
      return [`${k.maxAbs}=${fmt(score.maxAbs[l]!)}`, `${k.delta}=${fmt(score.delta[l]!)}`];
    });
    fields[7] = fields[7] === '.' || fields[7] === '' ? values.join(';') : `${fields[7]};${values.join(';')}`;
    const start = this.vcf.virtualOffset;
    await this.vcf.write(`${fields.join('\t')}\n`);
    const beg = v.POS - 1;
    // tabix takes a record's end from INFO/END where there is one (symbolic alleles), else from REF.
    const infoEnd = Array.isArray(v.INFO.END) ? Number(v.INFO.END[0]) : NaN;
    const end = Number.isFinite(infoEnd) && infoEnd > beg ? infoEnd : beg + (v.REF ?? 'N').length;
    this.index.add(fields[0]!, beg, end, start, this.vcf.virtualOffset);
  }

  async commit(): Promise<void> {
    await this.vcf.commit();
    const tbi = await AtomicFile.create(`${this.vcf.path}.tbi`);
    try {
      await tbi.write(this.index.bytes());
      await tbi.commit();
    } catch (err) {
      await tbi.abort();
      throw err;
    }
  }

  abort(): Promise<void> {
    return this.vcf.abort();
  }
}

/** Four significant decimals, without '-0'. */
function formatScore(x: number): string {
  const s = x.toFixed(4);
  return s === '-0.0000' ? '0.0000' : s;
}
