#!/usr/bin/env bash
# Measures the audit trail: appends with many concurrent writers on SQLite and PostgreSQL in crash and
# power mode (fixed-duration runs of the benchmark exe's --audit-load mode, one process per cell, side by
# side in one table), the fsync latency of the disk the stores live on, verify throughput and memory at
# two trail sizes (--audit-verify-memory), SQLite's own cost for the append transaction and variants of it
# (--sqlite-floor), and BenchmarkDotNet's append latency, throughput, verify, per-step and per-transaction
# benchmarks. docs/benchmarks.md ("Audit trail") records a run of this script.
#
#   benchmarks/audit-append.sh                       everything (about 13 minutes on 2 cores)
#   SKIP_BDN=1 benchmarks/audit-append.sh            without BenchmarkDotNet (about 7 minutes)
#   SECONDS_PER_RUN=5 WRITERS="1 64" STORES=sqlite MODES=crash VERIFY_SIZES="100000" SKIP_BDN=1 benchmarks/audit-append.sh
#
# PostgreSQL is a throwaway local PostgreSQL 15 cluster (tests/Airlock.TestSupport/PostgresCluster) that
# each postgres run starts and deletes; it needs /usr/lib/postgresql/15/bin (or AIRLOCK_PG_BIN). SQLite
# stores are files in a fresh temporary directory. Output goes to benchmarks/out/audit/ (ignored by git):
# load.txt, verify.txt, fsync.txt and sqlite-floor.txt with each run's full output, results.txt with the
# RESULT lines, table.md, and BenchmarkDotNet's artifacts under bdn/. Runs go one after the other, never
# two at once. The throughput figures need a quiet machine: each row records the load average.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
project="$here/Airlock.Benchmarks/Airlock.Benchmarks.csproj"
out="$here/out/audit"

seconds="${SECONDS_PER_RUN:-10}"
warmup="${WARMUP_SECONDS:-2}"
writers_list="${WRITERS:-1 16 64 256}"
stores="${STORES:-sqlite postgres}"
modes="${MODES:-crash power}"
verify_sizes="${VERIFY_SIZES:-1000000 3000000}"

rm -rf "$out"
mkdir -p "$out"
: > "$out/results.txt"

bench_prepare audit-append dotnet
started=$(date +%s)

echo "== fsync latency of the disk under $(dirname "$(mktemp -u)") (--fsync-probe)"
dotnet "$exe" --fsync-probe "$(dirname "$(mktemp -u)")" 1000 | tee "$out/fsync.txt"
grep '^RESULT' "$out/fsync.txt" >> "$out/results.txt"

echo "== appends: $seconds s per run after $warmup s warm-up (--audit-load)"
for store in $stores; do
  for mode in $modes; do
    for writers in $writers_list; do
      echo "-- $store $mode $writers writers (load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out/load.txt"
      dotnet "$exe" --audit-load "$store" "$mode" "$writers" "$seconds" "$warmup" > "$out/run.txt" 2>&1 || echo "(exit code $?)" >> "$out/run.txt"
      cat "$out/run.txt" >> "$out/load.txt"
      grep -v '^RESULT' "$out/run.txt" || true
      result="$(grep '^RESULT' "$out/run.txt" || echo "RESULT kind=load store=$store mode=$mode writers=$writers events_per_s=failed")"
      echo "$result loadavg=$(cut -d' ' -f1 /proc/loadavg)" >> "$out/results.txt"
    done
  done
done

echo "== verify: build a trail, then verify it (--audit-verify-memory)"
for n in $verify_sizes; do
  echo "-- $n events (load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out/verify.txt"
  dotnet "$exe" --audit-verify-memory "$n" sqlite > "$out/run.txt" 2>&1 || echo "(exit code $?)" >> "$out/run.txt"
  cat "$out/run.txt" >> "$out/verify.txt"
  grep -v '^RESULT' "$out/run.txt" || true
  result="$(grep '^RESULT' "$out/run.txt" || echo "RESULT kind=verify events=$n events_per_s=failed")"
  echo "$result loadavg=$(cut -d' ' -f1 /proc/loadavg)" >> "$out/results.txt"
done

echo "== SQLite alone: the store's append transaction and variants of it (--sqlite-floor)"
dotnet "$exe" --sqlite-floor 8000 600 | tee "$out/sqlite-floor.txt" | grep -v '^RESULT' || true
grep '^RESULT' "$out/sqlite-floor.txt" >> "$out/results.txt" || true

if [[ -z "${SKIP_BDN:-}" ]]; then
  echo "== BenchmarkDotNet: append latency and throughput, verify, the steps of an append, the store's transactions"
  dotnet run -c Release --no-build --project "$project" -- \
    --filter '*AuditAppendLatencyBenchmarks*' '*AuditAppendThroughputBenchmarks*' '*AuditVerifyBenchmarks*' \
    '*AuditComponentBenchmarks*' '*AuditStoreBatchBenchmarks*' --artifacts "$out/bdn"
fi

# One table from the RESULT lines: key=value pairs, one line per run.
field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }
{
  echo "| Store | Mode | Writers | Events/s | p50 µs | p99 µs | p99.9 µs | Peak WS MiB | Alloc B/event | Load avg |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  grep '^RESULT kind=load' "$out/results.txt" | while read -r line; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
      "$(field "$line" store)" "$(field "$line" mode)" "$(field "$line" writers)" "$(field "$line" events_per_s)" \
      "$(field "$line" p50_us)" "$(field "$line" p99_us)" "$(field "$line" p999_us)" "$(field "$line" peak_ws_mib)" \
      "$(field "$line" alloc_per_event)" "$(field "$line" loadavg)"
  done
  echo
  echo "| Store | Mode | Writers | Transactions/s | Events/tx | µs/tx in store | µs/tx sealing | Writer slot busy | Client CPU µs/event | Cores busy | Bytes written/event | Write calls/event | Ctx switches/event |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  grep '^RESULT kind=load' "$out/results.txt" | while read -r line; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
      "$(field "$line" store)" "$(field "$line" mode)" "$(field "$line" writers)" "$(field "$line" tx_per_s)" \
      "$(field "$line" events_per_tx)" "$(field "$line" tx_us)" "$(field "$line" seal_us)" "$(field "$line" writer_busy)" \
      "$(field "$line" cpu_us_per_event)" "$(field "$line" machine_busy)" "$(field "$line" wbytes_per_event)" \
      "$(field "$line" wcalls_per_event)" "$(field "$line" ctx_per_event)"
  done
  echo
  echo "| Verify (SQLite) | Events/s | Alloc B/event | RSS before MiB | Peak WS during verify MiB | Gen-2 GCs | Build events/s | Load avg |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  grep '^RESULT kind=verify' "$out/results.txt" | while read -r line; do
    printf '| %s events | %s | %s | %s | %s | %s | %s | %s |\n' \
      "$(field "$line" events)" "$(field "$line" events_per_s)" "$(field "$line" alloc_per_event)" \
      "$(field "$line" rss_before_mib)" "$(field "$line" peak_ws_mib)" "$(field "$line" gen2)" "$(field "$line" build_events_per_s)" \
      "$(field "$line" loadavg)"
  done
  echo
  line="$(grep '^RESULT kind=fsync' "$out/results.txt")"
  echo "fsync after a 4 KiB write: in place p50 $(field "$line" inplace_p50_us) µs / p99 $(field "$line" inplace_p99_us) µs; appended p50 $(field "$line" append_p50_us) µs / p99 $(field "$line" append_p99_us) µs"
} > "$out/table.md"

echo "== results (also in $out/table.md); took $(( $(date +%s) - started )) s"
cat "$out/table.md"
