# Shared by ./airlock and ./test.sh: checks what a fresh Debian machine lacks, installs it when it can
# (as root), and otherwise says exactly what to run. Sourced, not executed.

airlock_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '%s\n' "$*" >&2; }

require_dotnet() {
    if ! command -v dotnet >/dev/null 2>&1; then
        say "airlock: the .NET 10 SDK is required and 'dotnet' is not on PATH."
        say "  Install it from Microsoft's Debian packages (https://learn.microsoft.com/dotnet/core/install/linux-debian),"
        say "  e.g.: sudo apt-get install -y dotnet-sdk-10.0   (after adding the packages.microsoft.com repository)"
        exit 1
    fi
    if ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
        say "airlock: the .NET 10 SDK is required; found: $(dotnet --list-sdks 2>/dev/null | tr '\n' ' ')"
        exit 1
    fi
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}

# ensure_apt PACKAGE... : installs the Debian packages that are missing.
ensure_apt() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        say "airlock: installing Debian packages: ${missing[*]}"
        # Slim images delete /usr/share/man; the JRE's postinst (update-alternatives) needs man1 to exist.
        mkdir -p /usr/share/man/man1
        if [ -z "${AIRLOCK_APT_UPDATED:-}" ]; then
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
            export AIRLOCK_APT_UPDATED=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        say "airlock: installing Debian packages with sudo: ${missing[*]}"
        sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        say "airlock: these Debian packages are missing: ${missing[*]}"
        say "  Install them with: sudo apt-get install -y ${missing[*]}"
        exit 1
    fi
}

# ensure_programs COMMAND=PACKAGE... : installs PACKAGE from Debian only when COMMAND is not on PATH, so a
# program installed some other way counts (NodeSource's nodejs, which carries its own npm and conflicts
# with Debian's; a JDK from another vendor).
ensure_programs() {
    local missing=()
    for entry in "$@"; do
        command -v "${entry%%=*}" >/dev/null 2>&1 || missing+=("${entry#*=}")
    done
    [ ${#missing[@]} -eq 0 ] || ensure_apt "${missing[@]}"
}

# ensure_npm DIR : installs DIR's npm packages exactly as its package-lock.json pins them (npm ci), when
# node_modules is missing or older than the lock file.
ensure_npm() {
    local dir="$1"
    if [ -f "$dir/node_modules/.package-lock.json" ] && [ ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        return 0
    fi
    ensure_programs node=nodejs npm=npm
    say "airlock: installing npm packages in ${dir#"$airlock_root"/}"
    if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2); then
        say "airlock: npm ci failed in $dir (is the npm registry reachable?)"
        exit 1
    fi
}

# The packages Airlock itself needs at run time: IANA time zones for policy schedules, git for bundle
# revisions, and PostgreSQL's own parser (libpg_query) for understanding SQL.
runtime_packages=(tzdata git libpg-query-dev)

# What `airlock demo` adds: a PostgreSQL 15 server for its throwaway database.
demo_packages=(postgresql-15)

# What the test suite adds: a real PostgreSQL 15 server (tests initdb their own throwaway clusters in
# /usr/lib/postgresql/15/bin, never a shared one) for the PostgreSQL store and the gateway; with it come
# psql and pgbench, which the compatibility tests drive through the gateway, as they do the JDBC driver
# and psycopg 3 (run by /usr/bin/python3, Debian's own).
test_packages=(postgresql-15 libpostgresql-jdbc-java python3-psycopg)

# The programs the compatibility tests start, by command: Java 17 runs the JDBC check as a source file,
# node runs node-postgres (installed by ensure_npm from test_npm_dirs).
test_programs=(java=default-jre-headless node=nodejs npm=npm)
test_npm_dirs=("$airlock_root/tests/Airlock.Postgres.Tests/Compatibility/node")

# What benchmarks/pg-proxy.sh adds: the demo's PostgreSQL 15 (with pgbench and psql), pgbouncer to compare
# the gateway with, and psycopg 3 (for /usr/bin/python3) to hold idle sessions and stream a large result.
bench_packages=(postgresql-15 pgbouncer python3-psycopg)
