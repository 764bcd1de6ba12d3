#!/usr/bin/env bash
# Runs the whole test suite: every test project in Airlock.slnx, against real parts where a test needs
# them. Installs what a fresh Debian machine lacks (as root), or says what to install.
# Ends with one summary line: "N passed, N failed".
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/scripts/prereqs.sh"
require_dotnet
ensure_apt "${runtime_packages[@]}" "${test_packages[@]}"
ensure_programs "${test_programs[@]}"
for dir in "${test_npm_dirs[@]}"; do
    ensure_npm "$dir"
done

cd "$airlock_root"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

dotnet test Airlock.slnx --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one "Passed!/Failed! - Failed: F, Passed: P, ..." line per test assembly; add them up.
read -r passed failed < <(awk '
    /(Passed|Failed)! +- +Failed: / {
        for (i = 1; i <= NF; i++) {
            if ($i == "Failed:") { f += $(i + 1) + 0 }
            if ($i == "Passed:") { p += $(i + 1) + 0 }
        }
    }
    END { print p + 0, f + 0 }' "$log")
echo
echo "$passed passed, $failed failed"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
    echo "test.sh: no tests ran" >&2
    exit 1
fi
exit "$status"
