#!/usr/bin/env bash
# Measures the PostgreSQL gateway against the same PostgreSQL three ways, in one run: directly, through
# pgbouncer (session pooling), and through Airlock (policy, masking and audit all on: the sample policy as
# alice, an engineer), in audit durability `crash` (the default) and `power`. TLS is off everywhere
# (sslmode=disable). Then the gateway's memory: resident set with many idle sessions, and while it streams
# a 10-million-row result. docs/benchmarks.md ("PostgreSQL gateway") records a run of this script.
#
#   benchmarks/pg-proxy.sh                                  everything (about 30 minutes on 2 cores)
#   SECONDS_PER_RUN=5 ROUNDS=1 STREAM_ROWS=1000000 benchmarks/pg-proxy.sh    a quick look
#   TARGETS="direct pgbouncer airlock-crash" WORKLOADS="c8-prepared" SKIP_PROFILE=1 benchmarks/pg-proxy.sh
#
# What it does:
#   1. builds Release through ./airlock and copies the build to OUT/cli, so that a rebuild of the checkout
#      during the run cannot change the gateways under test;
#   2. `airlock demo --data-dir OUT/demo` for a throwaway PostgreSQL 15 (its own gateway stays idle); raises
#      max_connections to 300 and shared_buffers to 256MB and restarts it; `pgbench -i -s SCALE` as the
#      superuser over the Unix socket, then GRANT SELECT on the pgbench tables to the demo role airlock_demo;
#   3. pgbouncer (pool_mode session) in front of it as airlock_demo, and gateways by
#      `airlock serve --config` from copies of the demo's config, each with its own SQLite store:
#      crash (sample policy), power (the same with audit.durability: power), and stream (crash, with the
#      sample policy's max_rows line removed, for the memory runs). Two more, to explain the figures:
#      nospin (crash with DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0) and admin (crash with its admin
#      API on, started in its own directory). All run from an empty directory, without the admin API,
#      unless said otherwise;
#   4. a warm-up run per target and workload, then ROUNDS rounds, each running every workload against every
#      target one after the other (direct, pgbouncer, airlock-crash, airlock-power, airlock-nospin,
#      airlock-admin): pgbench -n -S for SECONDS_PER_RUN with -c 1 and -c 8, in -M simple and -M prepared
#      (-n everywhere: pgbench -i has just vacuumed). Each run records pgbench's latency and TPS, the proxy's CPU time per transaction (/proc/PID/stat), how busy the two cores were
#      (/proc/stat) and the load average. The table gives medians over the rounds;
#   5. with perf installed, one more crash gateway with the JIT's perf map: syscalls and context switches per
#      transaction (perf stat; pgbouncer's too), and a CPU profile (perf record -g) sorted into what the
#      gateway was doing, for each workload;
#   6. memory: VmRSS of the (fresh) stream gateway before and with IDLE_SESSIONS idle sessions as alice
#      (python3 with psycopg holds them); then STREAM_ROWS rows of `SELECT g, md5(g::text) FROM
#      generate_series(1, N) g` through it, as COPY TO STDOUT (psql \copy to /dev/null) and as a plain
#      SELECT read row by row (psycopg's cursor.stream(): single-row mode, nothing buffered in the client),
#      VmRSS sampled every 0.5 s; the same two reads directly against PostgreSQL for the time.
#
# Output goes to benchmarks/out/pg-proxy/ (ignored by git): results.txt (one RESULT line per run), runs/
# (each pgbench output), table.md, perf-*.txt, memory.txt and the logs. Runs never overlap; the machine's
# load average is recorded with each, because a shared 2-core machine is noisy.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$root/scripts/prereqs.sh"
out="$here/out/pg-proxy"

seconds="${SECONDS_PER_RUN:-15}"
warmup="${WARMUP_SECONDS:-5}"
rounds="${ROUNDS:-3}"
scale="${SCALE:-10}"
idle_sessions="${IDLE_SESSIONS:-200}"
stream_rows="${STREAM_ROWS:-10000000}"
targets="${TARGETS:-direct pgbouncer airlock-crash airlock-power airlock-nospin airlock-admin}"
workloads="${WORKLOADS:-c1-simple c1-prepared c8-simple c8-prepared}"
pgbin="${AIRLOCK_PG_BIN:-/usr/lib/postgresql/15/bin}"
py=/usr/bin/python3 # Debian's own, with python3-psycopg

require_dotnet
ensure_apt "${runtime_packages[@]}" "${bench_packages[@]}"
for tool in psql pgbouncer "$pgbin/pg_ctl" "$pgbin/pgbench"; do
  command -v "$tool" > /dev/null || { echo "pg-proxy: '$tool' is not installed" >&2; exit 1; }
done

# The cluster runs as postgres when we are root (initdb refuses root), as ourselves otherwise.
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
proc_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime, in clock ticks
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6 }' /proc/stat; } # total, idle + iowait
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

started=$(date +%s)
pids_to_stop=()
bouncer_pid=""
cleanup() {
  set +e
  [ -n "$bouncer_pid" ] && kill -INT "$bouncer_pid" 2> /dev/null
  for pid in "${pids_to_stop[@]}"; do kill -TERM "$pid" 2> /dev/null; done
  for pid in "${pids_to_stop[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.2; done
    rm -f "/tmp/perf-$pid.map"
  done
  # The audit trails take about 1.2 KB per pgbench transaction (gigabytes per run), and the build 70 MB.
  if [ -z "${KEEP_STORES:-}" ]; then
    rm -f "$out"/gw-*/airlock.db "$out"/gw-*/airlock.db-wal "$out"/gw-*/airlock.db-shm
    rm -rf "$out/cli"
  fi
}
trap cleanup EXIT

# Previous runs' clusters are removed; a demo cluster still running (an interrupted run) is stopped first.
if [ -f "$out/demo/pgdata/postmaster.pid" ]; then
  as_postgres "$pgbin/pg_ctl" stop -D "$out/demo/pgdata" -m immediate > /dev/null 2>&1 || true
fi
rm -rf "$out"
mkdir -p "$out/runs"
: > "$out/results.txt"

echo "== machine"
{
  echo "cores: $(nproc); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); RAM: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "dotnet $(dotnet --version); $("$pgbin/postgres" --version); $("$pgbin/pgbench" --version); $(pgbouncer --version | head -1); psycopg $("$py" -c 'import psycopg; print(psycopg.__version__)')"
  echo "airlock: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src 2> /dev/null || echo ' (src has uncommitted changes)')"
  echo "load average at start: $(loadavg)"
} | tee "$out/machine.txt"

echo "== build (Release, through ./airlock)"
"$root/airlock" --version > /dev/null
cp -r "$root/artifacts/cli" "$out/cli"
cli="$out/cli/airlock.dll"

echo "== demo PostgreSQL (airlock demo --data-dir $out/demo)"
# From an empty working directory: the demo's admin API (ASP.NET Core) watches its working directory
# recursively, and would otherwise be woken by every write of the gateways' stores under OUT.
mkdir -p "$out/empty"
(cd "$out/empty" && exec dotnet "$cli" demo --data-dir "$out/demo" --gateway-port 0 --http-port 0 --policy "$root/samples/policies") > "$out/demo.log" 2>&1 &
pids_to_stop+=("$!")
for _ in $(seq 1 300); do [ -s "$out/demo/demo.json" ] && break; sleep 0.5; done
[ -s "$out/demo/demo.json" ] || { cat "$out/demo.log" >&2; echo "pg-proxy: the demo did not start" >&2; exit 1; }
json() { "$py" -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v = v[k]
print(v)' "$out/demo/demo.json" "$1"; }
up_port="$(json upstream.port)"
up_password="$(json upstream.password)"
alice_token="$(json users.alice.token)"
socket_dir="$(sed -n "s/^unix_socket_directories = '\(.*\)'$/\1/p" "$out/demo/pgdata/postgresql.conf" | tail -1)"
superuser() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$up_port" -U postgres "$@"; }

# The demo's cluster is sized for a demo (50 connections, 32MB shared buffers): room for the idle sessions
# and for the pgbench tables (about 160MB at scale 10) in shared buffers.
superuser -d demo -c "ALTER SYSTEM SET max_connections = 300" -c "ALTER SYSTEM SET shared_buffers = '256MB'"
as_postgres "$pgbin/pg_ctl" restart -D "$out/demo/pgdata" -m fast -w -t 60 -l "$out/demo/pgrun/postgres.log" > /dev/null
echo "== pgbench -i -s $scale (as postgres over the socket), GRANT SELECT to airlock_demo"
as_postgres "$pgbin/pgbench" -i -q -s "$scale" -h "$socket_dir" -p "$up_port" -U postgres demo 2>&1 | tail -1
superuser -d demo -c "GRANT SELECT ON pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history TO airlock_demo"
superuser -d demo -Atc "SELECT 'upstream: max_connections ' || current_setting('max_connections') || ', shared_buffers ' || current_setting('shared_buffers') || ', fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit')" | tee -a "$out/machine.txt"

echo "== pgbouncer (pool_mode session)"
bouncer_dir="$out/pgbouncer"
bouncer_port="$(free_port)"
mkdir -p "$bouncer_dir"
printf '"airlock_demo" "%s"\n' "$up_password" > "$bouncer_dir/userlist.txt"
chmod 600 "$bouncer_dir/userlist.txt"
cat > "$bouncer_dir/pgbouncer.ini" << EOF
[databases]
demo = host=127.0.0.1 port=$up_port dbname=demo
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $bouncer_dir/userlist.txt
pool_mode = session
max_client_conn = 400
default_pool_size = 250
logfile = $bouncer_dir/pgbouncer.log
pidfile = $bouncer_dir/pgbouncer.pid
EOF
[ "$(id -u)" -eq 0 ] && chown -R postgres "$bouncer_dir"
as_postgres pgbouncer "$bouncer_dir/pgbouncer.ini" > /dev/null 2>&1 &
for _ in $(seq 1 100); do [ -s "$bouncer_dir/pgbouncer.pid" ] && break; sleep 0.1; done
bouncer_pid="$(cat "$bouncer_dir/pgbouncer.pid")"

# A gateway from a copy of the demo's config: own directory, store and instance name.
#   start_gateway NAME DURABILITY POLICY_DIR [VAR=VALUE...]  -> sets gw_pid[NAME], gw_port[NAME]
# The gateway runs in OUT/empty, without the admin API; ADMIN_API_IN_OWN_DIR=1 keeps the admin API and
# runs it in its own directory, next to its store.
declare -A gw_pid gw_port
start_gateway() {
  local name="$1" durability="$2" policy="$3" dir="$out/gw-$1" http='/^  http: /d' cwd="$out/empty"
  shift 3
  mkdir -p "$dir"
  cp -r "$out/demo/secrets" "$dir/secrets"
  if [ -n "${ADMIN_API_IN_OWN_DIR:-}" ]; then
    http='s/^\(  http: 127\.0\.0\.1\):.*/\1:0/'
    cwd="$dir"
  fi
  sed -e 's/^\(  postgres: 127\.0\.0\.1\):.*/\1:0/' -e "$http" -e "s/^instance: .*/instance: bench-$name/" \
      -e "s/^\(  durability: \).*/\1$durability/" -e "s|^policy: .*|policy: \"$policy\"|" \
      "$out/demo/airlock.yaml" > "$dir/airlock.yaml"
  (cd "$cwd" && exec env "$@" dotnet "$cli" serve --config "$dir/airlock.yaml") > "$dir/serve.log" 2>&1 &
  gw_pid[$name]=$!
  pids_to_stop+=("$!")
  for _ in $(seq 1 300); do grep -q 'serving PostgreSQL on' "$dir/serve.log" && break; sleep 0.2; done
  gw_port[$name]="$(sed -n 's/.*serving PostgreSQL on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$dir/serve.log")"
  [ -n "${gw_port[$name]}" ] || { cat "$dir/serve.log" >&2; echo "pg-proxy: gateway $name did not start" >&2; exit 1; }
  echo "gateway $name: pid ${gw_pid[$name]}, port ${gw_port[$name]}, audit $durability, policy $policy${*:+, $*}"
}

echo "== gateways (airlock serve)"
mkdir -p "$out/policy-no-max-rows"
cp -r "$root/samples/policies/." "$out/policy-no-max-rows/"
sed -i '/^ *max_rows:/d' "$out/policy-no-max-rows/rules/databases.yaml"
start_gateway crash crash "$root/samples/policies"
start_gateway power power "$root/samples/policies"
start_gateway stream crash "$out/policy-no-max-rows"
# Not a configuration anyone chooses: the crash gateway with the .NET thread pool's spin-wait off, to show
# how much of the gateway's CPU is idle worker threads spinning (a runtime setting, no code change).
start_gateway nospin crash "$root/samples/policies" DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0
# Nor this one: the crash gateway with its admin API on, started in its own directory (where its SQLite
# store is), as `cd /etc/airlock && airlock serve --config airlock.yaml` would run it.
ADMIN_API_IN_OWN_DIR=1 start_gateway admin crash "$root/samples/policies"

# conninfo, password and the process to charge CPU to, per target
target_conninfo() {
  case "$1" in
    direct) echo "host=127.0.0.1 port=$up_port dbname=demo user=airlock_demo sslmode=disable" ;;
    pgbouncer) echo "host=127.0.0.1 port=$bouncer_port dbname=demo user=airlock_demo sslmode=disable" ;;
    airlock-*) echo "host=127.0.0.1 port=${gw_port[${1#airlock-}]} dbname=demo user=alice sslmode=disable" ;;
  esac
}
target_password() { case "$1" in airlock-*) echo "$alice_token" ;; *) echo "$up_password" ;; esac; }
target_pid() { case "$1" in pgbouncer) echo "$bouncer_pid" ;; airlock-*) echo "${gw_pid[${1#airlock-}]}" ;; *) echo "" ;; esac; }

# run_pgbench TARGET WORKLOAD SECONDS LABEL: one pgbench run; appends a RESULT line unless LABEL is warmup.
run_pgbench() {
  local target="$1" workload="$2" secs="$3" label="$4"
  local clients="${workload%%-*}" mode="${workload#*-}"
  clients="${clients#c}"
  local file="$out/runs/$label-$workload-$target.txt" pid load cpu0 cpu1 m0 m1 tps lat failed count
  pid="$(target_pid "$target")"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  cpu0="$([ -n "$pid" ] && proc_cpu_ticks "$pid" || echo 0)"
  m0="$(machine_ticks)"
  PGPASSWORD="$(target_password "$target")" "$pgbin/pgbench" -n -S -M "$mode" -c "$clients" -j 1 -T "$secs" "$(target_conninfo "$target")" > "$file" 2>&1 \
    || echo "(exit code $?)" >> "$file"
  m1="$(machine_ticks)"
  cpu1="$([ -n "$pid" ] && proc_cpu_ticks "$pid" || echo 0)"
  tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$file")"
  lat="$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$file")"
  count="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$file")"
  failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$file")"
  if [ -z "$tps" ] || [ "${failed:-0}" != 0 ]; then
    echo "pg-proxy: pgbench failed ($target $workload):" >&2
    tail -5 "$file" >&2
    tps="${tps:-0}"
    lat="${lat:-0}"
  fi
  local tck cpu_us busy
  tck="$(getconf CLK_TCK)"
  cpu_us="$(awk -v a="$cpu0" -v b="$cpu1" -v t="$tck" -v n="${count:-0}" 'BEGIN { printf "%.1f", ((n > 0 && b > a) ? (b - a) * 1e6 / t / n : 0) }')"
  busy="$(awk -v a="$m0" -v b="$m1" -v n="$(nproc)" 'BEGIN { split(a, x, " "); split(b, y, " "); t = y[1] - x[1]; printf "%.2f", (t > 0 ? (t - (y[2] - x[2])) / t * n : 0) }')"
  printf '%-8s %-12s %-14s tps %10.1f  latency %7.3f ms  proxy CPU %6s us/tx  cores busy %s  load %s\n' \
    "$label" "$workload" "$target" "$tps" "$lat" "$cpu_us" "$busy" "$load"
  if [ "$label" != warmup ]; then
    echo "RESULT round=$label workload=$workload target=$target tps=$tps latency_ms=$lat proxy_cpu_us_per_tx=$cpu_us cores_busy=$busy loadavg=$load" >> "$out/results.txt"
  fi
}

echo "== warm-up: $warmup s per target and workload"
for workload in $workloads; do
  for target in $targets; do run_pgbench "$target" "$workload" "$warmup" warmup; done
done

echo "== $rounds rounds of pgbench -n -S, $seconds s per run, targets interleaved"
for round in $(seq 1 "$rounds"); do
  for workload in $workloads; do
    for target in $targets; do run_pgbench "$target" "$workload" "$seconds" "round$round"; done
  done
done

# Where the gateway's CPU goes. A gateway of its own (the crash configuration) with the JIT's perf map on
# and W^X off, so that perf can name managed frames; the measured gateways run with the runtime's defaults.
if command -v perf > /dev/null && [ -z "${SKIP_PROFILE:-}" ]; then
  echo "== profile: syscalls and context switches per transaction (perf stat), then perf record -g"
  start_gateway profile crash "$root/samples/policies" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
  cat > "$out/classify.py" << 'EOF'
# Sorts perf script samples into what the gateway was doing, by the first rule that matches anywhere in the
# sample's stack (frames through libc and SQLite often end there: their leaf syscall names them).
import sys
rules = [
    ("thread pool spinning (sched_yield in the worker semaphore)", ("sched_yield",)),
    ("audit trail: SQLite transactions, sealing, fsync", ("sqlite3", "libe_sqlite3", "Airlock.Store", "Airlock.Audit", "__libc_pwrite", "__fcntl64", "fsync", "__libc_pread", "fdatasync")),
    ("SQL analysis (libpg_query, Airlock.Sql)", ("libpg_query", "Airlock.Sql")),
    ("policy, statement gate, result plan, masking", ("Airlock.Policy", "Airlock.Masking", "Airlock.Pipeline", "ResultPlanner", "DataRowMasker")),
    ("sockets: send, receive, epoll", ("__send", "__libc_recv", "recvfrom", "sendto", "epoll_wait", "__libc_read", "SocketAsyncEngine", "System.Net.Sockets")),
    ("thread wake-ups and waits (futex, scheduler)", ("futex", "pthread_cond", "LowLevelLifoSemaphore", "schedule")),
    ("gateway protocol code (Airlock.Postgres, pipelines)", ("Airlock.Postgres", "System.IO.Pipelines")),
    ("runtime: GC, JIT, allocation", ("libcoreclr", "libclrjit", "System.Private.CoreLib")),
]
counts, total = {}, 0
for sample in open(sys.argv[1], errors="replace").read().split("\n\n"):
    lines = sample.strip().split("\n")
    if len(lines) < 2:
        continue
    total += 1
    stack = "\n".join(lines[1:])
    name = next((n for n, keys in rules if any(k in stack for k in keys)), "other (kernel, libc)")
    counts[name] = counts.get(name, 0) + 1
cpu_per_tx = float(sys.argv[2])
print("| What the gateway was doing | Share of its samples | CPU µs per transaction |")
print("|---|---:|---:|")
for name in [n for n, _ in rules] + ["other (kernel, libc)"]:
    if name in counts:
        print(f"| {name} | {counts[name] / total * 100:.1f}% | {counts[name] / total * cpu_per_tx:.0f} |")
print(f"| all ({total} samples) | 100% | {cpu_per_tx:.0f} |")
EOF
  for workload in $workloads; do
    clients="${workload%%-*}"
    clients="${clients#c}"
    mode="${workload#*-}"
    conninfo="$(target_conninfo airlock-profile)"
    PGPASSWORD="$alice_token" "$pgbin/pgbench" -n -S -M "$mode" -c "$clients" -j 1 -T "$warmup" "$conninfo" > /dev/null 2>&1 || true
    for what in stat record; do
      PGPASSWORD="$alice_token" "$pgbin/pgbench" -n -S -M "$mode" -c "$clients" -j 1 -T 12 "$conninfo" > "$out/runs/profile-$what-$workload.txt" 2>&1 &
      bench=$!
      sleep 1
      c0="$(proc_cpu_ticks "${gw_pid[profile]}")"
      if [ "$what" = stat ]; then
        perf stat -e raw_syscalls:sys_enter,context-switches -p "${gw_pid[profile]}" -o "$out/perf-stat-$workload.txt" -- sleep 10 > /dev/null 2>&1 || true
      else
        perf record -F 999 -g -p "${gw_pid[profile]}" -o "$out/perf-$workload.data" -- sleep 10 > /dev/null 2>&1 || true
      fi
      c1="$(proc_cpu_ticks "${gw_pid[profile]}")"
      wait "$bench" || true
      tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out/runs/profile-$what-$workload.txt")"
      tps="${tps:-0}"
      cpu_us="$(awk -v a="$c0" -v b="$c1" -v t="$(getconf CLK_TCK)" -v tps="$tps" 'BEGIN { printf "%.0f", (tps > 0 ? (b - a) * 1e6 / t / (tps * 10) : 0) }')"
      if [ "$what" = stat ]; then
        per_tx() { awk -v e="$1" -v tps="$tps" '$2 == e { gsub(",", "", $1); printf "%.1f", (tps > 0 ? $1 / (tps * 10) : 0) }' "$out/perf-stat-$workload.txt"; }
        echo "RESULT kind=syscalls target=airlock-profile workload=$workload tps=$tps syscalls_per_tx=$(per_tx raw_syscalls:sys_enter) ctx_switches_per_tx=$(per_tx context-switches) cpu_us_per_tx=$cpu_us loadavg=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/results.txt"
      else
        perf script -i "$out/perf-$workload.data" 2> /dev/null > "$out/perf-$workload.script" || true
        {
          echo "# perf record -F 999 -g -p GATEWAY for 10 s during pgbench -n -S -M $mode -c $clients: $tps tps, gateway CPU $cpu_us µs per transaction, load average $(loadavg)"
          echo
          "$py" "$out/classify.py" "$out/perf-$workload.script" "$cpu_us" || true
          echo
          echo "## self time by symbol"
          perf report -i "$out/perf-$workload.data" --no-children --sort dso,sym --stdio -g none 2> /dev/null | grep -v '^#' | grep -v '^$' | head -40 || true
          echo "## inclusive time by symbol"
          perf report -i "$out/perf-$workload.data" --children --sort sym --stdio -g none 2> /dev/null | grep -v '^#' | grep -v '^$' | head -80 || true
        } > "$out/perf-$workload.txt"
        rm -f "$out/perf-$workload.script"
        sed -n '1,14p' "$out/perf-$workload.txt"
      fi
    done
  done
  # The same counts for pgbouncer, for comparison.
  for workload in c1-prepared c8-prepared; do
    clients="${workload%%-*}"
    clients="${clients#c}"
    PGPASSWORD="$up_password" "$pgbin/pgbench" -n -S -M prepared -c "$clients" -j 1 -T 12 "$(target_conninfo pgbouncer)" > "$out/runs/profile-stat-$workload-pgbouncer.txt" 2>&1 &
    bench=$!
    sleep 1
    c0="$(proc_cpu_ticks "$bouncer_pid")"
    perf stat -e raw_syscalls:sys_enter,context-switches -p "$bouncer_pid" -o "$out/perf-stat-$workload-pgbouncer.txt" -- sleep 10 > /dev/null 2>&1 || true
    c1="$(proc_cpu_ticks "$bouncer_pid")"
    wait "$bench" || true
    tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out/runs/profile-stat-$workload-pgbouncer.txt")"
    tps="${tps:-0}"
    per_tx() { awk -v e="$1" -v tps="$tps" '$2 == e { gsub(",", "", $1); printf "%.1f", (tps > 0 ? $1 / (tps * 10) : 0) }' "$out/perf-stat-$workload-pgbouncer.txt"; }
    echo "RESULT kind=syscalls target=pgbouncer workload=$workload tps=$tps syscalls_per_tx=$(per_tx raw_syscalls:sys_enter) ctx_switches_per_tx=$(per_tx context-switches) cpu_us_per_tx=$(awk -v a="$c0" -v b="$c1" -v t="$(getconf CLK_TCK)" -v tps="$tps" 'BEGIN { printf "%.0f", (tps > 0 ? (b - a) * 1e6 / t / (tps * 10) : 0) }') loadavg=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/results.txt"
  done
  # perf report needs the JIT's map at /tmp/perf-PID.map; keep a copy (the gateway's exit removes it).
  cp "/tmp/perf-${gw_pid[profile]}.map" "$out/" 2> /dev/null || true
  kill -TERM "${gw_pid[profile]}" 2> /dev/null || true
fi

echo "== memory: $idle_sessions idle sessions through the stream gateway (fresh; no max_rows)"
stream_pid="${gw_pid[stream]}"
stream_conninfo="$(target_conninfo airlock-stream)"
mem="$out/memory.txt"
PGPASSWORD="$alice_token" psql -X -q "$stream_conninfo" -c "SELECT count(*) FROM pgbench_branches" > /dev/null
sleep 2
rss_base="$(rss_kib "$stream_pid")"
backends_before="$(superuser -d demo -Atc "SELECT count(*) FROM pg_stat_activity WHERE usename = 'airlock_demo'")"
echo "RESULT kind=idle phase=baseline rss_kib=$rss_base loadavg=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$mem"
: > "$out/idle.log"
PGPASSWORD="$alice_token" "$py" - "$stream_conninfo" "$idle_sessions" "$out/idle.release" > "$out/idle.log" 2>&1 << 'EOF' &
import os, sys, time, psycopg
conninfo, count, release = sys.argv[1], int(sys.argv[2]), sys.argv[3]
started = time.monotonic()
sessions = []
for _ in range(count):
    c = psycopg.connect(conninfo, autocommit=True)
    c.execute("SELECT 1").fetchall()
    sessions.append(c)
print(f"ready open_seconds={time.monotonic() - started:.1f}", flush=True)
while not os.path.exists(release):
    time.sleep(0.2)
for c in sessions:
    c.close()
print("closed", flush=True)
EOF
holder=$!
for _ in $(seq 1 600); do grep -q '^ready' "$out/idle.log" && break; kill -0 "$holder" 2> /dev/null || break; sleep 0.5; done
grep -q '^ready' "$out/idle.log" || { cat "$out/idle.log" >&2; echo "pg-proxy: the idle sessions did not open" >&2; exit 1; }
sleep 5
rss_idle="$(rss_kib "$stream_pid")"
backends_open="$(superuser -d demo -Atc "SELECT count(*) FROM pg_stat_activity WHERE usename = 'airlock_demo'")"
echo "RESULT kind=idle phase=open sessions=$idle_sessions rss_kib=$rss_idle per_session_kib=$(( (rss_idle - rss_base) / idle_sessions )) upstream_backends_added=$(( backends_open - backends_before )) $(head -1 "$out/idle.log" | cut -d' ' -f2) loadavg=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$mem"
touch "$out/idle.release"
wait "$holder" || true
sleep 5
echo "RESULT kind=idle phase=closed rss_kib=$(rss_kib "$stream_pid")" | tee -a "$mem"

# stream_read NAME TARGET COMMAND...: runs COMMAND, sampling the gateway's VmRSS every 0.5 s.
copy_sql="SELECT g, md5(g::text) FROM generate_series(1, $stream_rows) g"
stream_read() {
  local name="$1" target="$2"
  shift 2
  local pid samples="$out/rss-$name-$target.txt" t0 t1 sampler before
  pid="$(target_pid "$target")"
  : > "$samples"
  before="$([ -n "$pid" ] && rss_kib "$pid" || echo 0)"
  if [ -n "$pid" ]; then
    (while kill -0 "$pid" 2> /dev/null; do echo "$(date +%s.%N) $(rss_kib "$pid")" >> "$samples"; sleep 0.5; done) &
    sampler=$!
  fi
  t0=$(date +%s.%N)
  PGPASSWORD="$(target_password "$target")" "$@" > "$out/stream-$name-$target.log" 2>&1 || echo "(exit code $?)" >> "$out/stream-$name-$target.log"
  t1=$(date +%s.%N)
  if [ -n "$pid" ]; then
    kill "$sampler" 2> /dev/null || true
    wait "$sampler" 2> /dev/null || true
  fi
  local peak secs
  peak="$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$samples")"
  secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
  echo "RESULT kind=stream read=$name target=$target rows=$stream_rows seconds=$secs rows_per_s=$(awk -v n="$stream_rows" -v s="$secs" 'BEGIN { printf "%.0f", n / s }') rss_before_kib=$before rss_peak_kib=$peak rss_after_kib=$([ -n "$pid" ] && rss_kib "$pid" || echo 0) samples=$(wc -l < "$samples") client=$(tail -1 "$out/stream-$name-$target.log" | tr ' \t' '__') loadavg=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$mem"
}

echo "== memory: $stream_rows rows streamed (direct for the time, then through the stream gateway)"
stream_py='
import sys, psycopg
rows = 0
with psycopg.connect(sys.argv[1]) as conn:
    for _ in conn.cursor().stream(sys.argv[2]):
        rows += 1
print(f"rows={rows}")
'
for target in direct airlock-stream; do
  stream_read copy "$target" psql -X "$(target_conninfo "$target")" -c "\\copy ($copy_sql) TO '/dev/null'"
  stream_read select "$target" "$py" -c "$stream_py" "$(target_conninfo "$target")" "$copy_sql"
done
echo "RESULT kind=after-bench crash_rss_kib=$(rss_kib "${gw_pid[crash]}") power_rss_kib=$(rss_kib "${gw_pid[power]}")" | tee -a "$mem"
cat "$mem" >> "$out/results.txt"
# What the audit trail took: the gateway's SQLite store against the transactions pgbench ran through it.
for target in $targets; do
  case "$target" in airlock-*) ;; *) continue ;; esac
  name="${target#airlock-}"
  tx="$(cat "$out"/runs/*-"$target".txt | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')"
  bytes="$(stat -c %s "$out/gw-$name"/airlock.db* 2> /dev/null | awk '{ n += $1 } END { print n + 0 }')"
  echo "RESULT kind=store gateway=$name transactions=$tx bytes=$bytes bytes_per_tx=$(( tx > 0 ? bytes / tx : 0 ))" | tee -a "$out/results.txt"
done

echo "== summary"
"$py" - "$out/results.txt" "$targets" "$workloads" << 'EOF' | tee "$out/table.md"
import math, statistics, sys
path, targets, workloads = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
runs, syscalls, mem = {}, [], []
for line in open(path):
    if not line.startswith("RESULT "):
        continue
    kv = dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)
    if kv.get("kind") == "syscalls":
        syscalls.append(kv)
    elif "workload" in kv:
        runs.setdefault((kv["workload"], kv["target"]), []).append(kv)
    else:
        mem.append(kv)

def values(w, t, key, scale=1.0):
    return sorted(float(r[key]) * scale for r in runs.get((w, t), []))

def med(w, t, key, scale=1.0):
    v = values(w, t, key, scale)
    return statistics.median(v) if v else math.nan

names = {"direct": "direct", "pgbouncer": "pgbouncer", "airlock-crash": "Airlock crash", "airlock-power": "Airlock power", "airlock-nospin": "Airlock crash, no spin", "airlock-admin": "Airlock crash, admin API in its dir"}
def label(w):
    clients, mode = w.split("-")
    return f"`-c {clients[1:]} -M {mode}`"

print("pgbench -n -S, median of the rounds (lowest–highest). -c 1: average latency in µs; -c 8: TPS.\n")
print("| Workload | " + " | ".join(names.get(t, t) for t in targets) + " |")
print("|---|" + "---:|" * len(targets))
for w in workloads:
    key, scale = ("latency_ms", 1000.0) if w.startswith("c1-") else ("tps", 1.0)
    cells = []
    for t in targets:
        v = values(w, t, key, scale)
        cells.append(f"{med(w, t, key, scale):,.0f} ({v[0]:,.0f}–{v[-1]:,.0f})" if v else "")
    print(f"| {label(w)} {'µs' if w.startswith('c1-') else 'TPS'} | " + " | ".join(cells) + " |")
print()
airlocks = [t for t in targets if t.startswith("airlock-")]
print("| Workload | " + " | ".join(f"{names[t]} ÷ direct | {names[t]} ÷ pgbouncer" for t in airlocks) + " | Airlock crash − direct | pgbouncer − direct |")
print("|---|" + "---:|" * (2 * len(airlocks) + 2))
for w in workloads:
    key, scale = ("latency_ms", 1000.0) if w.startswith("c1-") else ("tps", 1.0)
    d, b = med(w, "direct", key, scale), med(w, "pgbouncer", key, scale)
    cells = []
    for t in airlocks:
        a = med(w, t, key, scale)
        cells += [f"{a / d:.2f}×", f"{a / b:.2f}×"]
    a = med(w, "airlock-crash", key, scale)
    extra = [f"+{a - d:,.0f} µs", f"+{b - d:,.0f} µs"] if w.startswith("c1-") else ["", ""]
    print(f"| {label(w)} {'latency' if w.startswith('c1-') else 'TPS'} | " + " | ".join(cells + extra) + " |")
print()
proxies = [t for t in targets if t != "direct"]
print("| Workload | " + " | ".join(f"{names[t]} CPU µs/tx" for t in proxies) + " | Cores busy (" + " / ".join(names[t] for t in targets) + ") | Load average |")
print("|---|" + "---:|" * len(proxies) + "---|---|")
for w in workloads:
    cpu = [f"{med(w, t, 'proxy_cpu_us_per_tx'):.0f}" for t in proxies]
    busy = " / ".join(f"{med(w, t, 'cores_busy'):.2f}" for t in targets)
    loads = sorted(float(r["loadavg"]) for t in targets for r in runs.get((w, t), []))
    print(f"| {label(w)} | " + " | ".join(cpu) + f" | {busy} | {loads[0]:.1f}–{loads[-1]:.1f} |")
if syscalls:
    print()
    print("| perf stat, 10 s | TPS | Syscalls per tx | Context switches per tx | CPU µs per tx |")
    print("|---|---:|---:|---:|---:|")
    for kv in syscalls:
        print(f"| {names.get(kv['target'], 'Airlock crash (profile gateway)')} {label(kv['workload'])} | {float(kv['tps']):,.0f} | {kv['syscalls_per_tx']} | {kv['ctx_switches_per_tx']} | {kv['cpu_us_per_tx']} |")
mib = lambda kib: f"{float(kib) / 1024:,.1f} MiB"
idle = {kv["phase"]: kv for kv in mem if kv.get("kind") == "idle"}
if {"baseline", "open", "closed"} <= idle.keys():
    o = idle["open"]
    print()
    print("| Gateway VmRSS | Before | With idle sessions | Per session | After they closed | Upstream connections opened | Sessions opened in |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| {o['sessions']} idle sessions as alice | {mib(idle['baseline']['rss_kib'])} | {mib(o['rss_kib'])} | {float(o['per_session_kib']):,.0f} KiB | {mib(idle['closed']['rss_kib'])} | {o['upstream_backends_added']} | {o['open_seconds']} s |")
streams = {(kv["read"], kv["target"]): kv for kv in mem if kv.get("kind") == "stream"}
if streams:
    print()
    print("| Streamed result | Rows | Direct: seconds (rows/s) | Gateway: seconds (rows/s) | Gateway VmRSS before | Peak (0.5 s samples) | After |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for read, what in (("copy", "COPY TO STDOUT (psql \\copy to /dev/null)"), ("select", "SELECT, psycopg cursor.stream()")):
        d, g = streams.get((read, "direct")), streams.get((read, "airlock-stream"))
        if d and g:
            print(f"| {what} | {int(g['rows']):,} | {d['seconds']} ({int(d['rows_per_s']):,}) | {g['seconds']} ({int(g['rows_per_s']):,}) | {mib(g['rss_before_kib'])} | {mib(g['rss_peak_kib'])} | {mib(g['rss_after_kib'])} |")
after = next((kv for kv in mem if kv.get("kind") == "after-bench"), None)
if after:
    print()
    print(f"VmRSS after all pgbench rounds: crash gateway {mib(after['crash_rss_kib'])}, power gateway {mib(after['power_rss_kib'])}.")
stores = [kv for kv in mem if kv.get("kind") == "store"]
if stores:
    print()
    print("Audit store (SQLite) after the runs: " + "; ".join(f"{kv['gateway']} {int(kv['bytes']) / 1048576:,.0f} MiB for {int(kv['transactions']):,} transactions ({kv['bytes_per_tx']} bytes each)" for kv in stores) + ".")
EOF
echo "== took $(( $(date +%s) - started )) s; load average now $(loadavg)"
