using Xunit;

namespace Airlock.TestSupport;

/// <summary>
/// One <see cref="PostgresCluster"/> shared by the tests of a class (<c>IClassFixture&lt;PostgresClusterFixture&gt;</c>)
/// or of a collection (<c>ICollectionFixture&lt;PostgresClusterFixture&gt;</c>; xunit only finds the
/// <c>[CollectionDefinition]</c> in the test assembly itself, so declare it there). Started before the first
/// test, stopped and deleted after the last.
/// </summary>
public class PostgresClusterFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;

    /// <summary>The running cluster.</summary>
    public PostgresCluster Cluster =>
        _cluster ?? throw new InvalidOperationException("The PostgreSQL cluster is not started (InitializeAsync has not run).");

    public async Task InitializeAsync()
    {
        _cluster = await PostgresCluster.StartAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
            _cluster = null;
        }
    }
}
