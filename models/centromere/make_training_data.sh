#!/usr/bin/env bash
# Simulated training/validation genomes for the centromere model: for each SPEC, a rice-like
# genome (genomeinfer simulate) and its features (genomeinfer features: the eight k-mer
# features, tandem-period, family and position) at the model's bin size.
# Usage: make_training_data.sh OUT_DIR BIN_BP SCALE SPEC...
#   SPEC = SEED[:CASE[:CHROMOSOMES]]  (CASE as simulate --case, default mixed; CHROMOSOMES default 12)
# A genome's directory is OUT_DIR/seedSEED; one whose features.tsv exists is skipped.
set -euo pipefail
out=$1 bin=$2 scale=$3
shift 3
cli="node $(dirname "$0")/../../dist/src/cli/main.js"
for spec in "$@"; do
  IFS=: read -r seed case chromosomes <<<"$spec"
  dir="$out/seed$seed"
  [ -f "$dir/features/features.tsv" ] && continue
  $cli simulate --out "$dir" --seed "$seed" --scale "$scale" --case "${case:-mixed}" --chromosomes "${chromosomes:-12}"
  $cli features --fasta "$dir/genome.fa" --out "$dir/features" --bin-bp "$bin" 2>/dev/null
  rm -f "$dir/features/"*.bedgraph "$dir/genome.fa" "$dir/genome.fa.fai"
done
