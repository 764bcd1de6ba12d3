using Airlock.Gateway.Demo;

namespace Airlock.Gateway.Tests.Demo;

/// <summary>One demo database with the full default data, shared by the tests that only read it.</summary>
public sealed class DemoDatabaseFixture : IAsyncLifetime
{
    public DemoDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync() => Database = await DemoDatabase.StartAsync();

    public async Task DisposeAsync() => await Database.DisposeAsync();
}
