using System.Diagnostics;
using System.Globalization;
using Airlock.Audit;
using Airlock.Store;

namespace Airlock.Benchmarks.Audit;

/// <summary>
/// Fixed-duration runs outside BenchmarkDotNet, one store per process:
/// <list type="bullet">
/// <item><c>--audit-load sqlite|postgres crash|power WRITERS SECONDS [WARMUP_SECONDS]</c>: WRITERS tasks append
/// intent events through one <see cref="AuditTrail"/>, each awaiting its append before the next, for
/// SECONDS after a warm-up (2 s by default). Prints events/s, p50/p99/p99.9/max append latency, the
/// process's peak working set, managed bytes allocated per event, this process's CPU time per event and
/// how busy the machine's cores were (for PostgreSQL that includes the server, which runs on the same
/// machine). The trail is verified afterwards. PostgreSQL is a throwaway local cluster started here.</item>
/// <item><c>--audit-verify-memory N [sqlite|postgres]</c>: builds a trail of N events (crash mode, 256 writers),
/// then verifies it, printing resident memory every tenth of the way, events/s, managed bytes allocated
/// per event and the peak working set of the verify alone (the peak is reset after the build).</item>
/// <item><c>--fsync-probe DIR [COUNT]</c>: the latency of fsync(2) on DIR's disk after a 4 KiB write, in place and
/// appending, which is what a power-mode commit waits for.</item>
/// </list>
/// Each run ends with one machine-readable line starting with <c>RESULT</c> (key=value pairs) for
/// benchmarks/audit-append.sh.
/// </summary>
internal static class AuditLoad
{
    public static async Task<int> RunLoadAsync(string[] args)
    {
        if (args.Length < 4)
        {
            await Console.Error.WriteLineAsync("usage: --audit-load sqlite|postgres crash|power WRITERS SECONDS [WARMUP_SECONDS]");
            return 2;
        }

        var kind = ParseStore(args[0]);
        var durability = ParseDurability(args[1]);
        var writers = int.Parse(args[2], CultureInfo.InvariantCulture);
        var seconds = double.Parse(args[3], CultureInfo.InvariantCulture);
        var warmup = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 2;

        var bench = await BenchStore.OpenAsync(kind, durability);
        await using (bench)
        {
            using var key = AuditSigningKey.Generate();
            var instrumented = new InstrumentedStore(bench.Store);
            var trail = new AuditTrail(instrumented, key);
            LoadResult result;
            InstrumentedStore.TransactionStats stats;
            await using (trail)
            {
                await RunWritersAsync(trail, writers, TimeSpan.FromSeconds(warmup));
                var before = instrumented.Snapshot();
                result = await RunWritersAsync(trail, writers, TimeSpan.FromSeconds(seconds));
                stats = instrumented.Snapshot() - before;
            }

            var peak = ProcessMemory.Peak();
            var verification = await AuditVerifier.VerifyAsync(bench.Store.Audit, [key.PublicKey]);
            var perSecond = result.Events / result.Elapsed.TotalSeconds;
            Console.WriteLine($"{Name(kind)} {Name(durability)}, {writers} writers, {result.Elapsed.TotalSeconds:F1} s measured after {warmup:F0} s warm-up");
            Console.WriteLine($"  appends      {result.Events:N0} = {perSecond:N0} events/s");
            Console.WriteLine($"  latency      p50 {Us(result.Latency.Quantile(0.50))} µs, p99 {Us(result.Latency.Quantile(0.99))} µs, p99.9 {Us(result.Latency.Quantile(0.999))} µs, max {Us(result.Latency.Quantile(1))} µs");
            Console.WriteLine($"  store        {stats.Transactions / result.Elapsed.TotalSeconds:N0} transactions/s, {stats.EventsPerTransaction:F1} events each, {stats.AppendMicrosPerTransaction:F0} µs per transaction in the store ({stats.SealMicrosPerTransaction:F0} µs of it sealing: numbering, JSON, SHA-256, signing); writer slot in the store {stats.WriterBusy(result.Elapsed):P0} of the time");
            Console.WriteLine($"  memory       peak working set {ProcessMemory.MiB(peak):F1} MiB, {result.AllocatedBytes / (double)result.Events:N0} managed bytes allocated per event");
            Console.WriteLine($"  cpu          {result.ProcessCpu.TotalMicroseconds / result.Events:F1} µs of this process's CPU per event; machine cores busy {result.MachineBusy:P0}; {result.ContextSwitches / (double)result.Events:F1} context switches per event");
            Console.WriteLine($"  writes       {result.WrittenBytes / (double)result.Events:N0} bytes and {result.WriteCalls / (double)result.Events:F2} write calls per event from this process (SQLite's WAL, checkpoints and database file; socket sends for PostgreSQL)");
            Console.WriteLine($"  verify       {(verification.Ok ? "ok" : verification.Problem!.ToString())}: {verification.EventsChecked:N0} events, {verification.CheckpointsChecked:N0} checkpoints, {verification.EventsChecked / verification.Elapsed.TotalSeconds:N0} events/s");
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"RESULT kind=load store={Name(kind)} mode={Name(durability)} writers={writers} seconds={result.Elapsed.TotalSeconds:F2} events={result.Events} events_per_s={perSecond:F0} p50_us={Us(result.Latency.Quantile(0.50))} p99_us={Us(result.Latency.Quantile(0.99))} p999_us={Us(result.Latency.Quantile(0.999))} peak_ws_mib={ProcessMemory.MiB(peak):F1} alloc_per_event={result.AllocatedBytes / (double)result.Events:F0} cpu_us_per_event={result.ProcessCpu.TotalMicroseconds / result.Events:F1} machine_busy={result.MachineBusy:F2} ctx_per_event={result.ContextSwitches / (double)result.Events:F1} wbytes_per_event={result.WrittenBytes / (double)result.Events:F0} wcalls_per_event={result.WriteCalls / (double)result.Events:F2} tx_per_s={stats.Transactions / result.Elapsed.TotalSeconds:F0} events_per_tx={stats.EventsPerTransaction:F1} tx_us={stats.AppendMicrosPerTransaction:F0} seal_us={stats.SealMicrosPerTransaction:F0} writer_busy={stats.WriterBusy(result.Elapsed):F2} verify_ok={verification.Ok}"));
            return verification.Ok ? 0 : 1;
        }
    }

    public static async Task<int> RunVerifyMemoryAsync(string[] args)
    {
        var events = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var kind = args.Length > 1 ? ParseStore(args[1]) : StoreKind.Sqlite;
        var bench = await BenchStore.OpenAsync(kind, AuditDurability.Crash);
        await using (bench)
        {
            using var key = AuditSigningKey.Generate();
            Console.WriteLine($"building a trail of {events:N0} events on {Name(kind)} (crash mode, 256 writers)…");
            var built = await AuditTrailBuilder.BuildAsync(bench.Store, key, events, writers: 256);
            Console.WriteLine($"  built in {built.TotalSeconds:F1} s ({events / built.TotalSeconds:N0} events/s){(bench.SqliteBytes() is { } bytes ? $", {bytes:N0} bytes on disk ({bytes / (double)events:F0} per event)" : string.Empty)}");

            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var before = ProcessMemory.Resident();
            var reset = ProcessMemory.ResetPeak();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var gen2 = GC.CollectionCount(2);
            var progress = new RssProgress(events);
            Console.WriteLine($"  verifying; resident before {ProcessMemory.MiB(before):F1} MiB (peak reset: {reset})");
            Console.WriteLine($"  {"events",12} {"RSS MiB",8} {"GC heap MiB",12} {"seconds",8}");
            var verification = await AuditVerifier.VerifyAsync(bench.Store.Audit, [key.PublicKey], progress);
            var allocatedPerEvent = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)verification.EventsChecked;
            var peak = ProcessMemory.Peak();
            var perSecond = verification.EventsChecked / verification.Elapsed.TotalSeconds;
            Console.WriteLine($"  verify {(verification.Ok ? "ok" : verification.Problem!.ToString())}: {verification.EventsChecked:N0} events, {verification.CheckpointsChecked:N0} checkpoints in {verification.Elapsed.TotalSeconds:F2} s = {perSecond:N0} events/s");
            Console.WriteLine($"  memory: peak working set during verify {ProcessMemory.MiB(peak):F1} MiB (largest RSS sampled {ProcessMemory.MiB(progress.MaxResident):F1} MiB), {allocatedPerEvent:F0} managed bytes allocated per event, {GC.CollectionCount(2) - gen2} gen-2 collections");
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"RESULT kind=verify store={Name(kind)} events={verification.EventsChecked} seconds={verification.Elapsed.TotalSeconds:F2} events_per_s={perSecond:F0} alloc_per_event={allocatedPerEvent:F0} rss_before_mib={ProcessMemory.MiB(before):F1} peak_ws_mib={ProcessMemory.MiB(peak):F1} max_rss_mib={ProcessMemory.MiB(progress.MaxResident):F1} gen2={GC.CollectionCount(2) - gen2} build_events_per_s={events / built.TotalSeconds:F0} verify_ok={verification.Ok}"));
            return verification.Ok && verification.EventsChecked == events ? 0 : 1;
        }
    }

    public static int RunFsyncProbe(string[] args)
    {
        var directory = args.Length > 0 ? args[0] : Path.GetTempPath();
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        var path = Path.Combine(directory, $"airlock-fsync-probe-{Environment.ProcessId}.bin");
        var block = new byte[4096];
        Random.Shared.NextBytes(block);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None);
            var inPlace = Probe(count, i => RandomAccess.Write(handle, block, (i % 64) * 4096L), handle);
            var appending = Probe(count, i => RandomAccess.Write(handle, block, (64 + i) * 4096L), handle);
            foreach (var (name, h) in (ReadOnlySpan<(string, LatencyHistogram)>)[("4 KiB write in place", inPlace), ("4 KiB write appended", appending)])
            {
                Console.WriteLine($"fsync after a {name} ({count} runs, {directory}): p50 {Us(h.Quantile(0.5))} µs, p99 {Us(h.Quantile(0.99))} µs, max {Us(h.Quantile(1))} µs");
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"RESULT kind=fsync dir={directory} runs={count} inplace_p50_us={Us(inPlace.Quantile(0.5))} inplace_p99_us={Us(inPlace.Quantile(0.99))} append_p50_us={Us(appending.Quantile(0.5))} append_p99_us={Us(appending.Quantile(0.99))}"));
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static LatencyHistogram Probe(int count, Action<int> write, Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < count; i++)
        {
            write(i);
            var start = Stopwatch.GetTimestamp();
            RandomAccess.FlushToDisk(handle); // fsync(2)
            histogram.Record(Nanoseconds(Stopwatch.GetTimestamp() - start));
        }

        return histogram;
    }

    private static async Task<LoadResult> RunWritersAsync(AuditTrail trail, int writers, TimeSpan duration)
    {
        var stop = new StopFlag();
        var histograms = Enumerable.Range(0, writers).Select(_ => new LatencyHistogram()).ToArray();
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var machine0 = ProcessMemory.CpuTimes();
        var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var written0 = ProcessMemory.Written();
        var switches0 = ProcessMemory.ContextSwitches();
        var clock = Stopwatch.StartNew();
        var tasks = new Task[writers];
        for (var w = 0; w < writers; w++)
        {
            var writer = w;
            tasks[w] = Task.Run(() => WriteUntilStoppedAsync(trail, writer, histograms[writer], stop));
        }

        await Task.Delay(duration);
        stop.Stopped = true;
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
        var written1 = ProcessMemory.Written();
        var switches = ProcessMemory.ContextSwitches() - switches0;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpu0;
        var machine1 = ProcessMemory.CpuTimes();
        var all = new LatencyHistogram();
        foreach (var h in histograms)
        {
            all.Add(h);
        }

        var busy = (machine1.Busy - machine0.Busy) / (double)Math.Max(1, machine1.Total - machine0.Total);
        return new LoadResult(all.Count, elapsed, all, allocated, cpu, busy, written1.Bytes - written0.Bytes, written1.Calls - written0.Calls, switches);
    }

    private static async Task WriteUntilStoppedAsync(AuditTrail trail, int writer, LatencyHistogram histogram, StopFlag stop)
    {
        var i = writer;
        while (!stop.Stopped)
        {
            var start = Stopwatch.GetTimestamp();
            await trail.AppendAsync(AuditSample.Events[i++ & 63]);
            histogram.Record(Nanoseconds(Stopwatch.GetTimestamp() - start));
        }
    }

    private static long Nanoseconds(long ticks) => (long)(ticks * (1e9 / Stopwatch.Frequency));

    private static string Us(double nanoseconds) => (nanoseconds / 1000).ToString(nanoseconds < 100_000 ? "F1" : "F0", CultureInfo.InvariantCulture);

    private static StoreKind ParseStore(string text) => text.ToLowerInvariant() switch
    {
        "sqlite" => StoreKind.Sqlite,
        "postgres" or "postgresql" => StoreKind.Postgres,
        _ => throw new ArgumentException($"unknown store '{text}': sqlite or postgres", nameof(text)),
    };

    private static AuditDurability ParseDurability(string text) => text.ToLowerInvariant() switch
    {
        "crash" => AuditDurability.Crash,
        "power" => AuditDurability.Power,
        _ => throw new ArgumentException($"unknown durability '{text}': crash or power", nameof(text)),
    };

    private static string Name(StoreKind kind) => kind == StoreKind.Sqlite ? "sqlite" : "postgres";

    private static string Name(AuditDurability durability) => durability == AuditDurability.Crash ? "crash" : "power";

    private sealed record LoadResult(long Events, TimeSpan Elapsed, LatencyHistogram Latency, long AllocatedBytes, TimeSpan ProcessCpu, double MachineBusy, long WrittenBytes, long WriteCalls, long ContextSwitches);

    private sealed class StopFlag
    {
        private volatile bool _stopped;

        public bool Stopped
        {
            get => _stopped;
            set => _stopped = value;
        }
    }

    /// <summary>Samples resident memory as verify reports progress (every 16,384 events), printing a row every tenth of the way.</summary>
    private sealed class RssProgress(long total) : IProgress<long>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly long _step = Math.Max(1, total / 10);
        private long _nextRow;

        public long MaxResident { get; private set; }

        public void Report(long value)
        {
            var resident = ProcessMemory.Resident();
            MaxResident = Math.Max(MaxResident, resident);
            if (value >= _nextRow)
            {
                Console.WriteLine($"  {value,12:N0} {ProcessMemory.MiB(resident),8:F1} {ProcessMemory.MiB(GC.GetTotalMemory(false)),12:F1} {_clock.Elapsed.TotalSeconds,8:F1}");
                _nextRow = ((value / _step) + 1) * _step;
            }
        }
    }
}
