#!/usr/bin/env bash
# Simulated training/validation genomes for the centromere model: for each seed, a rice-like
# genome (genomeinfer simulate) and its k-mer features (genomeinfer features) at the model's
# bin size. Usage: make_training_data.sh OUT_DIR BIN_BP SCALE SEED...
set -euo pipefail
out=$1 bin=$2 scale=$3
shift 3
cli="node $(dirname "$0")/../../dist/src/cli/main.js"
for seed in "$@"; do
  dir="$out/seed$seed"
  [ -f "$dir/features/features.tsv" ] && continue
  $cli simulate --out "$dir" --seed "$seed" --scale "$scale"
  $cli features --fasta "$dir/genome.fa" --out "$dir/features" --bin-bp "$bin" 2>/dev/null
  rm -f "$dir/features/"*.bedgraph
done
