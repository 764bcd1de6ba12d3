namespace Airlock.Cli.Tests.Audit;

/// <summary>One 24-event store shared by the read-only tests of a class (read-only commands cannot change it).</summary>
public sealed class AuditStoreFixture : IAsyncLifetime
{
    private AuditTestStore? _store;

    internal AuditTestStore Store => _store ?? throw new InvalidOperationException("not initialized");

    public async Task InitializeAsync() => _store = await AuditTestStore.CreateAsync(events: 24, checkpointEvery: 10);

    public Task DisposeAsync()
    {
        _store?.Dispose();
        return Task.CompletedTask;
    }
}
