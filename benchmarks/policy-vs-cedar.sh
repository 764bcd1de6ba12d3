#!/usr/bin/env bash
# Times Airlock's policy decisions (BenchmarkDotNet) and Cedar's (cedar-wasm, statefulIsAuthorized on a
# pre-parsed policy set) on the same generated bundles and the same decisions, in one run, and prints
# both medians and the ratio. docs/benchmarks.md records a run of this script.
#
#   benchmarks/policy-vs-cedar.sh            bundles of 10, 1,000 and 10,000 rules
#   RULE_COUNTS="10 1000" benchmarks/policy-vs-cedar.sh
#
# Output goes to benchmarks/out/ (ignored by git): the Cedar data sets, BenchmarkDotNet's artifacts,
# cedar-results-N.json and comparison.md. It takes about 7 minutes on a 2-core machine, most of it
# BenchmarkDotNet (12 cases, one process each) and loading the 10,000-rule bundle in each process.
# The two engines run one after the other, never at the same time, so neither steals the other's cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
project="$here/Airlock.Benchmarks/Airlock.Benchmarks.csproj"
out="$here/out"
read -r -a counts <<< "${RULE_COUNTS:-10 1000 10000}"

rm -rf "$out"
mkdir -p "$out"

bench_prepare policy-vs-cedar dotnet node npm

echo "== data sets: ${counts[*]} rules, written as YAML, loaded and translated to Cedar"
dotnet "$exe" --emit-cedar "$out/cedar" "${counts[@]}"

echo "== install @cedar-policy/cedar-wasm"
(cd "$here/cedar" && npm ci --no-audit --no-fund --loglevel=error)

# BenchmarkDotNet has no command-line filter on parameter values, so a shorter RULE_COUNTS list
# shortens the Cedar side only; the Airlock side always runs its [Params].
echo "== Airlock: BenchmarkDotNet"
dotnet run -c Release --no-build --project "$project" -- \
  --filter '*PolicyDecisionBenchmarks*' --artifacts "$out/bdn"

# One node process per data set: node 20's V8 aborted in its deoptimizer when the 10,000-rule set
# followed the smaller ones in one process (see bench.mjs).
echo "== Cedar: cedar-wasm"
results=()
for n in "${counts[@]}"; do
  node "$here/cedar/bench.mjs" --out "$out/cedar-results-$n.json" "$out/cedar/cedar-$n.json"
  results+=("$out/cedar-results-$n.json")
done

echo "== Airlock and Cedar, same decisions"
node "$here/cedar/compare.mjs" --markdown "$out/comparison.md" \
  "$out/bdn/results/Airlock.Benchmarks.Policy.PolicyDecisionBenchmarks-report-full.json" "${results[@]}"
