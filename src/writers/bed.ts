import type { Region } from '../regions/callRegions.js';

/**
 * BED9: chrom, start, end, name (= label), score (round(1000 × mean probability)), strand
 * ('.'), thickStart/thickEnd (the peak bin), itemRgb ('0'). 0-based half-open.
 */
export function formatBedLine(r: Region): string {
  return `${r.chrom}\t${r.start}\t${r.end}\t${r.label}\t${r.score}\t.\t${r.peakStart}\t${r.peakEnd}\t0\n`;
}

/** Order within a chromosome: start, then end, then label order in the manifest. */
export function compareRegions(a: Region, b: Region): number {
  return a.start - b.start || a.end - b.end || a.labelIndex - b.labelIndex;
}
