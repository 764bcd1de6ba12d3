using Airlock.Benchmarks;
using Airlock.Benchmarks.Cedar;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --filter '*Policy*'
// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --emit-cedar DIR 1000 [more rule counts]
if (args.Length > 0 && args[0] == "--emit-cedar")
{
    return CedarDataSet.Emit(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(PolicyDecisionBenchmarks).Assembly).Run(args);
return 0;
