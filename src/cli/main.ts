#!/usr/bin/env node
import { GenomeinferError, errorMessage } from '../errors.js';
import { ANNOTATE_HELP, annotateCommand } from './annotateCommand.js';
import { EVALUATE_HELP, evaluateCommand } from './evaluateCommand.js';
import { FEATURES_HELP, featuresCommand } from './featuresCommand.js';
import { MODELS_HELP, modelsCommand } from './modelsCommand.js';
import { PREDICT_HELP, predictCommand } from './predictCommand.js';
import { SERVE_HELP, serveCommand } from './serveCommand.js';
import { SIMULATE_HELP, simulateCommand } from './simulateCommand.js';

/** A command resolves to its exit status, or to nothing for 0. */
const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number | void>; help: string }> = {
  annotate: { run: annotateCommand, help: ANNOTATE_HELP },
  evaluate: { run: evaluateCommand, help: EVALUATE_HELP },
  features: { run: featuresCommand, help: FEATURES_HELP },
  models: { run: modelsCommand, help: MODELS_HELP },
  predict: { run: predictCommand, help: PREDICT_HELP },
  serve: { run: serveCommand, help: SERVE_HELP },
  simulate: { run: simulateCommand, help: SIMULATE_HELP },
};

const USAGE = `usage: genomeinfer <command> [options]

commands:
  annotate  a manifest of genomes (resumable, --shard i/N) → per-variety BEDs/bigWigs + panel summary
  predict   one genome (indexed FASTA, bigWig tracks) → BED regions + bedGraph probabilities
  serve     HTTP prediction service: uploads or data-root paths → BED, async jobs, metrics
  models    list (and verify) the models in the repository
  simulate  rice-like genomes with truth BEDs (or --example: the small example genome)
  features  the centromere model's k-mer features per bin (TSV + bedGraph tracks)
  evaluate  score a prediction BED (and bedGraph) against a truth BED: bin and region metrics

genomeinfer <command> --help for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`genomeinfer: error: unknown command '${name}'\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  return (await command.run(rest)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // One line, naming the problem; a stack only for bugs (non-typed errors) when asked.
    const message = errorMessage(err).replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`genomeinfer: error: ${message}\n`);
    if (!(err instanceof GenomeinferError) && process.env.GENOMEINFER_DEBUG) console.error(err);
    process.exitCode = err instanceof GenomeinferError && err.kind === 'usage' ? 2 : 1;
  },
);
