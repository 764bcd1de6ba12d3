#!/usr/bin/env bash
# Times Airlock's masking engine (BenchmarkDotNet: 1 MB log whole and streamed, a 10,000 x 8 result set,
# a JSON response) and compares it with npm redact-pii on one labelled corpus in the same run:
# throughput of both, recall per entity type of both, and how much of the harmless text each keeps.
# docs/benchmarks.md ("Masking") records a run of this script.
#
#   benchmarks/masking-vs-redact-pii.sh              everything (about 4 minutes on 2 cores)
#   SKIP_BDN=1 benchmarks/masking-vs-redact-pii.sh   only the corpus comparison (under a minute)
#
# Output goes to benchmarks/out/masking/ (ignored by git): corpus.json and airlock.json (written and
# timed by the benchmark exe's --emit-masking-corpus mode), BenchmarkDotNet's artifacts, comparison.json
# and comparison.md. The tools run one after the other, never at the same time.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
project="$here/Airlock.Benchmarks/Airlock.Benchmarks.csproj"
out="$here/out/masking"

rm -rf "$out"
mkdir -p "$out"

bench_prepare masking-vs-redact-pii dotnet node npm

echo "== install redact-pii"
(cd "$here/redact-pii" && npm ci --no-audit --no-fund --loglevel=error)

if [[ -z "${SKIP_BDN:-}" ]]; then
  echo "== Airlock: BenchmarkDotNet (MaskingBenchmarks)"
  dotnet run -c Release --no-build --project "$project" -- \
    --filter '*MaskingBenchmarks*' --artifacts "$out/bdn"
fi

echo "== corpus, and Airlock timed on it (--emit-masking-corpus)"
dotnet "$exe" --emit-masking-corpus "$out"

echo "== redact-pii timed on the same corpus; both scored by the same rule"
node "$here/redact-pii/bench.mjs" --corpus "$out/corpus.json" --airlock "$out/airlock.json" \
  --out "$out/comparison.json" --markdown "$out/comparison.md"
