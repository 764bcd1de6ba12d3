using Airlock.Audit;
using Airlock.Policy.Compilation;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;
using Airlock.Store;

namespace Airlock.Pipeline.Tests;

/// <summary>The sample policy, a real SQLite store and a trail, and a clock the test moves.</summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("airlock-pipeline-").FullName;

    public PolicySnapshot Policy { get; private set; } = null!;

    public IAirlockStore Store { get; private set; } = null!;

    public AuditTrail Audit { get; private set; } = null!;

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root!.FullName, "Airlock.slnx")))
        {
            root = root.Parent;
        }

        var loaded = BundleLoader.Load(Path.Combine(root.FullName, "samples", "policies"));
        Policy = SnapshotCompiler.Compile(loaded.Bundle!);
        Store = await StoreFactory.OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(Path.Combine(_directory, "a.db")) });
        Audit = new AuditTrail(Store, signingKey: null, time: Clock);
    }

    public async Task DisposeAsync()
    {
        await Audit.DisposeAsync();
        await Store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
