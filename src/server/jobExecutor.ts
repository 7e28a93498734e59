import { join } from 'node:path';
import type { JobInput } from '../jobs/jobRecord.js';
import type { JobExecutor } from '../jobs/jobRunner.js';
import type { JobStore } from '../jobs/jobStore.js';
import type { DataRoots } from './dataRoots.js';
import { resolveDatasetInput } from './datasetInput.js';
import type { ModelCatalog } from './modelCatalog.js';
import { PathLabels } from './pathLabels.js';
import type { PredictionService } from './predictionService.js';

/**
 * How a job runs: its model by the exact version recorded at submission, its input (the
 * uploaded files in its directory, or its dataset paths confined again), and every result
 * format into its directory, through the same PredictionService as synchronous requests.
 */
export function jobExecutor(catalog: ModelCatalog, store: JobStore, dataRoots: DataRoots, predictions: PredictionService): JobExecutor {
  return async (job, { signal, onProgress }) => {
    const model = catalog.byKey(job.model);
    const { paths, labels } = job.input.source === 'upload' ? uploadedInput(store.jobDir(job.id), job.input) : await resolveDatasetInput(dataRoots, job.input);
    const stem = store.resultStem(job.id);
    if (job.attribution) {
      // An attribution job: in-silico mutagenesis of its region, files written as attribute --out writes them.
      const spec = job.attribution;
      const result = await predictions.attribute({ model, paths, labels, ism: { region: spec, label: spec.label }, outputPrefix: stem, top: spec.top, signal, onProgress });
      return { regions: 0, chromosomes: 1, bases: result.reference.length, labels: [result.label] };
    }
    const summary = await predictions.run({
      model,
      paths,
      labels,
      outputs: { bed: `${stem}.bed`, bedGraph: `${stem}.bedgraph`, bigWig: stem },
      regions: job.regions,
      signal,
      onProgress: (p) => onProgress(p.basesDone, p.basesTotal),
    });
    return { regions: summary.regions, chromosomes: summary.chromosomes, bases: summary.bases, labels: model.manifest.labels };
  };
}

/** An upload job's files, stored relative to its directory, as absolute paths and labels. */
function uploadedInput(jobDir: string, input: JobInput) {
  const abs = (p: string) => join(jobDir, p);
  const labels = new PathLabels();
  for (const [p, label] of Object.entries(input.labels ?? {})) labels.set(abs(p), label);
  const tracks = Object.fromEntries(Object.entries(input.tracks ?? {}).map(([name, p]) => [name, abs(p)]));
  return {
    paths: { fasta: abs(input.fasta), fai: input.fai && abs(input.fai), gzi: input.gzi && abs(input.gzi), tracks },
    labels,
  };
}
