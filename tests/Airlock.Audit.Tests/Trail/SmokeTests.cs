using Airlock.Store;

namespace Airlock.Audit.Tests.Trail;

public sealed class SmokeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("airlock-audit-").FullName;

    [Fact]
    public async Task Appended_events_verify()
    {
        var store = await StoreFactory.OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(Path.Combine(_dir, "a.db")) });
        await using (store)
        {
            using var key = AuditSigningKey.Generate();
            await using (var trail = new AuditTrail(store, key, new AuditTrailOptions { CheckpointEveryEvents = 10 }))
            {
                var tasks = Enumerable.Range(0, 100).Select(i => trail.AppendAsync(new AuditEvent { Kind = AuditEventKinds.ActionIntent, User = "alice", Text = $"select {i}" }).AsTask());
                var receipts = await Task.WhenAll(tasks);
                Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), receipts.Select(r => r.Seq).Order());
            }

            var result = await AuditVerifier.VerifyAsync(store.Audit, [key.PublicKey]);
            Assert.True(result.Ok, result.Problem?.ToString());
            Assert.Equal(100, result.EventsChecked);
            Assert.Equal(100, result.LastSignedSeq);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
