# Shared by the comparison scripts in this folder; sourced, not run. Checks the tools a script needs,
# prints the machine, and builds the benchmark project in Release, leaving its path in $exe.
#   bench_prepare NAME TOOL...

bench_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_project="$bench_here/Airlock.Benchmarks/Airlock.Benchmarks.csproj"

bench_prepare() {
  local name="$1"
  shift
  for tool in "$@"; do
    command -v "$tool" > /dev/null || { echo "$name: '$tool' is not installed" >&2; exit 1; }
  done

  echo "== machine"
  echo "cores: $(nproc); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); dotnet $(dotnet --version); node $(node --version)"

  echo "== build (Release)"
  dotnet build -c Release -nologo -v quiet "$bench_project"
  exe="$bench_here/Airlock.Benchmarks/bin/Release/net10.0/Airlock.Benchmarks.dll"
}
