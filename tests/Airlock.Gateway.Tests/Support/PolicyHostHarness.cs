using Airlock.Audit;
using Airlock.Gateway.Policies;
using Airlock.Store;
using Microsoft.Data.Sqlite;

namespace Airlock.Gateway.Tests.Support;

/// <summary>
/// A copy of samples/policies in a temp directory to edit, a real SQLite store beside it, and an audit
/// trail over the store: what a <see cref="PolicyHost"/> runs against in the gateway.
/// </summary>
public sealed class PolicyHostHarness : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("airlock-policy-host-");
    private readonly List<IAsyncDisposable> _open = [];

    public PolicyHostHarness() => RepoPaths.CopyDirectory(RepoPaths.SamplePolicies, BundleDirectory);

    public string BundleDirectory => _dir.Combine("policies");

    public string StorePath => _dir.Combine("airlock.db");

    public IAirlockStore Store { get; private set; } = null!;

    public AuditTrail Audit { get; private set; } = null!;

    /// <summary>Opens the store and the trail (again, after <see cref="CloseAsync"/>: a gateway restart).</summary>
    public async Task OpenAsync()
    {
        Store = await StoreFactory.OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(StorePath) });
        Audit = new AuditTrail(Store, signingKey: null);
    }

    public PolicyHost CreateHost(bool watch = false, TimeSpan? debounce = null)
    {
        var host = new PolicyHost(new PolicyHostOptions { Directory = BundleDirectory, Watch = watch, Debounce = debounce ?? TimeSpan.FromMilliseconds(300) }, Store, Audit);
        _open.Add(host);
        return host;
    }

    public string PolicyFile(string relative) => Path.Combine(BundleDirectory, relative);

    public Task AppendAsync(string relative, string text) => File.AppendAllTextAsync(PolicyFile(relative), text);

    public IReadOnlyList<string> YamlFiles() =>
        [.. Directory.EnumerateFiles(BundleDirectory, "*.y*ml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(BundleDirectory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    public async Task<IReadOnlyList<AuditEvent>> AuditEventsAsync(string? kindPrefix = "policy.")
    {
        var events = new List<AuditEvent>();
        await foreach (var row in Store.Audit.ReadAsync(new AuditQuery { Kind = kindPrefix }))
        {
            events.Add(AuditEventJson.Deserialize(row.Body).Event);
        }

        return events;
    }

    /// <summary>Every byte the store wrote (database and WAL), to prove a secret is not in it.</summary>
    public byte[] StoreBytes() =>
        [.. Directory.EnumerateFiles(_dir.Path, "airlock.db*").SelectMany(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        })];

    public async Task CloseAsync()
    {
        foreach (var item in Enumerable.Reverse(_open))
        {
            await item.DisposeAsync();
        }

        _open.Clear();
        await Audit.DisposeAsync();
        await Store.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
