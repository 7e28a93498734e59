#!/usr/bin/env node
import { GenomeinferError, asResourceError, errorMessage } from '../errors.js';
import { ANNOTATE_HELP, annotateCommand } from './annotateCommand.js';
import { ATTRIBUTE_HELP, attributeCommand } from './attributeCommand.js';
import { EFFECTS_HELP, effectsCommand } from './effectsCommand.js';
import { EVALUATE_HELP, evaluateCommand } from './evaluateCommand.js';
import { EXIT, exitCodeForError } from './exitCodes.js';
import { FEATURES_HELP, featuresCommand } from './featuresCommand.js';
import { MODELS_HELP, modelsCommand } from './modelsCommand.js';
import { PREDICT_HELP, predictCommand } from './predictCommand.js';
import { SERVE_HELP, serveCommand } from './serveCommand.js';
import { SIMULATE_HELP, simulateCommand } from './simulateCommand.js';
import { toolVersion } from './version.js';
import { VIEW_HELP, viewCommand } from './viewCommand.js';

/**
 * A command resolves to its exit status (from exitCodes.ts), or to nothing for success, or
 * throws; exitCodeForError decides what a throw exits with.
 */
const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number | void>; help: string }> = {
  annotate: { run: annotateCommand, help: ANNOTATE_HELP },
  attribute: { run: attributeCommand, help: ATTRIBUTE_HELP },
  evaluate: { run: evaluateCommand, help: EVALUATE_HELP },
  features: { run: featuresCommand, help: FEATURES_HELP },
  models: { run: modelsCommand, help: MODELS_HELP },
  predict: { run: predictCommand, help: PREDICT_HELP },
  effects: { run: effectsCommand, help: EFFECTS_HELP },
  serve: { run: serveCommand, help: SERVE_HELP },
  simulate: { run: simulateCommand, help: SIMULATE_HELP },
  view: { run: viewCommand, help: VIEW_HELP },
};

const USAGE = `usage: genomeinfer <command> [options]

commands:
  annotate  a manifest of genomes (resumable, --shard i/N) → per-variety BEDs/bigWigs + panel summary
  predict   one genome (indexed FASTA, bigWig tracks) → BED regions + bedGraph probabilities
  effects   per-variant effect scores: REF vs ALT probability change per label → VCF INFO (bgzip + .tbi)
  attribute in-silico mutagenesis of a region: per-base bigWigs, top-positions TSV, sequence logo SVG
  serve     HTTP prediction service: uploads or data-root paths → BED, async jobs, metrics
  models    list (and verify) the models in the repository
  simulate  rice-like genomes with truth BEDs (or --example: the small example genome)
  features  the centromere model's k-mer features per bin (TSV + bedGraph tracks)
  evaluate  score a prediction BED (and bedGraph) against a truth BED: bin and region metrics
  view      an annotate output directory in a genome browser (igv.js) on 127.0.0.1, read-only

genomeinfer <command> --help for a command's options; genomeinfer --version for the version.

exit status: 0 success; 1 some input failed (running it again fails again); 2 usage error;
75 the machine failed (out of memory, disk full, a killed worker): running it again may succeed;
130/143 stopped by SIGINT/SIGTERM.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name ? EXIT.success : EXIT.usage;
  }
  if (name === '--version') {
    process.stdout.write(`genomeinfer ${toolVersion()}\n`);
    return EXIT.success;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`genomeinfer: error: unknown command '${name}'\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return EXIT.success;
  }
  return (await command.run(rest)) ?? EXIT.success;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // One line, naming the problem (a raw system error says which resource ran out); a stack
    // only for bugs (non-typed errors) when asked.
    const message = errorMessage(asResourceError(err) ?? err).replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`genomeinfer: error: ${message}\n`);
    if (!(err instanceof GenomeinferError) && process.env.GENOMEINFER_DEBUG) console.error(err);
    process.exitCode = exitCodeForError(err);
  },
);
