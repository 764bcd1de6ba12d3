using Airlock.Benchmarks;
using Airlock.Benchmarks.Cedar;
using Airlock.Benchmarks.Masking;
using Airlock.Benchmarks.Policy;
using Airlock.Benchmarks.Sql;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --filter '*Policy*'
// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --filter '*Sql*'
// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --emit-cedar DIR 1000 [more rule counts]
// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --sql-memory 1000000
// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --filter '*Masking*'
// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --emit-masking-corpus DIR
switch (args.FirstOrDefault())
{
    case "--emit-cedar":
        return CedarDataSet.Emit(args[1..]);
    case "--sql-memory":
        return NativeMemoryLoop.Run(args[1..]);
    case "--emit-masking-corpus":
        return MaskingCorpusEmitter.Emit(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(PolicyDecisionBenchmarks).Assembly).Run(args);
return 0;
