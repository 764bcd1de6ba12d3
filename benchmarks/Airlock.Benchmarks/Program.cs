using Airlock.Benchmarks;
using Airlock.Benchmarks.Audit;
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
// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --filter '*Audit*'
// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --audit-load sqlite|postgres crash|power WRITERS SECONDS [WARMUP_SECONDS]
// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --audit-verify-memory N [sqlite|postgres]
// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --fsync-probe DIR [COUNT]
// dotnet run -c Release --project benchmarks/Airlock.Benchmarks -- --sqlite-floor [TRANSACTIONS_OF_1] [TRANSACTIONS_OF_64]
switch (args.FirstOrDefault())
{
    case "--emit-cedar":
        return CedarDataSet.Emit(args[1..]);
    case "--sql-memory":
        return NativeMemoryLoop.Run(args[1..]);
    case "--emit-masking-corpus":
        return MaskingCorpusEmitter.Emit(args[1..]);
    case "--audit-load":
        return await AuditLoad.RunLoadAsync(args[1..]);
    case "--audit-verify-memory":
        return await AuditLoad.RunVerifyMemoryAsync(args[1..]);
    case "--fsync-probe":
        return AuditLoad.RunFsyncProbe(args[1..]);
    case "--sqlite-floor":
        return await SqliteFloor.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(PolicyDecisionBenchmarks).Assembly).Run(args);
return 0;
