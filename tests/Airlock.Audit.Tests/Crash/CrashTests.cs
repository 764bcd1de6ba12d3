using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Airlock.Audit.Tests.Support;
using Airlock.Store;

namespace Airlock.Audit.Tests.Crash;

/// <summary>
/// kill -9 the writer process during sustained appends from many writers, restart it, kill it again:
/// the trail still verifies, and every append that was acknowledged is present with the same id.
/// </summary>
public abstract class CrashTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("airlock-crash-").FullName;
    private StoreHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await CreateHarnessAsync();

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(AuditDurability.Crash)]
    [InlineData(AuditDurability.Power)]
    public async Task Acknowledged_appends_survive_kill_9_and_the_trail_verifies(AuditDurability durability)
    {
        using var key = AuditSigningKey.Generate();
        var keyFile = Path.Combine(_directory, "audit-key.pem");
        await File.WriteAllTextAsync(keyFile, key.ExportPrivateKeyPem());

        var acknowledged = new Dictionary<long, Guid>();
        for (var round = 0; round < 2; round++)
        {
            foreach (var (seq, id) in await RunAndKillAsync(keyFile, durability))
            {
                Assert.True(acknowledged.TryAdd(seq, id), $"sequence number {seq} was acknowledged twice");
            }
        }

        Assert.True(acknowledged.Count >= 200, $"only {acknowledged.Count} appends were acknowledged before the kills");

        await using var store = await _harness.OpenAsync(readOnly: true);
        var result = await AuditVerifier.VerifyAsync(store.Audit, [key.PublicKey]);
        Assert.True(result.Ok, result.Problem?.ToString());

        var stored = new Dictionary<long, Guid>();
        await foreach (var row in store.Audit.ReadAsync(AuditQuery.All))
        {
            stored[row.Seq] = AuditEventJson.Deserialize(row.Body).Id;
        }

        foreach (var (seq, id) in acknowledged)
        {
            Assert.True(stored.TryGetValue(seq, out var storedId), $"acknowledged event {seq} is missing after the crash");
            Assert.Equal(id, storedId);
        }
    }

    protected abstract Task<StoreHarness> CreateHarnessAsync();

    private async Task<List<(long Seq, Guid Id)>> RunAndKillAsync(string keyFile, AuditDurability durability)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Airlock.Audit.CrashWriter"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "env:AIRLOCK_CRASH_STORE", durability.ToString(), keyFile, "16" },
        };

        // The PostgreSQL connection string holds a password: pass it in the environment, not on argv.
        start.Environment["AIRLOCK_CRASH_STORE"] = _harness.Location.Kind == StoreKind.Sqlite
            ? "sqlite:" + _harness.Location.Target
            : "postgres:" + _harness.Location.Target;

        using var process = Process.Start(start)!;
        var acks = new ConcurrentQueue<(long, Guid)>();
        var enough = new TaskCompletionSource();
        var reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                var parts = line.Split(' ');
                if (parts is ["ack", var seq, var id])
                {
                    acks.Enqueue((long.Parse(seq, CultureInfo.InvariantCulture), Guid.Parse(id)));
                    if (acks.Count >= 150)
                    {
                        enough.TrySetResult();
                    }
                }
            }
        });
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            var finished = await Task.WhenAny(enough.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
            if (process.HasExited)
            {
                Assert.Fail("the writer exited on its own: " + await errors);
            }

            Assert.Same(enough.Task, finished);
        }
        finally
        {
            // SIGKILL: no finally blocks, no flushes, no shutdown in the writer. Also on a failed assertion,
            // so that no writer outlives the test.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        await reader; // Lines already in the pipe were acknowledged before the kill.
        return [.. acks];
    }
}

public sealed class SqliteCrashTests : CrashTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteHarness());
}

public sealed class PostgresCrashTests(Airlock.TestSupport.PostgresClusterFixture cluster) : CrashTests, IClassFixture<Airlock.TestSupport.PostgresClusterFixture>
{
    protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresHarness.CreateAsync(cluster.Cluster);
}
