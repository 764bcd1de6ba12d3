using System.Globalization;
using Airlock.Audit;
using Airlock.Store;

// Usage: Airlock.Audit.CrashWriter STORE crash|power KEYFILE WRITERS
// Appends until killed. After each acknowledged append it prints "ack SEQ ID" and flushes, so every
// line the parent reads is an append the trail promised was durable.
var location = StoreLocation.Parse(args[0]);
var durability = Enum.Parse<AuditDurability>(args[1], ignoreCase: true);
using var key = AuditSigningKey.Load(args[2]);
var writers = int.Parse(args[3], CultureInfo.InvariantCulture);

var store = await StoreFactory.OpenAsync(new StoreOptions { Location = location, Durability = durability });
var trail = new AuditTrail(store, key, new AuditTrailOptions { CheckpointEveryEvents = 200 });
var output = Console.Out;
var gate = new SemaphoreSlim(1, 1);
Console.Error.WriteLine("ready");

await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
{
    for (var i = 0; ; i++)
    {
        var receipt = await trail.AppendAsync(new AuditEvent
        {
            Kind = AuditEventKinds.ActionIntent,
            User = "writer" + writer.ToString(CultureInfo.InvariantCulture),
            Resource = "orders-prod",
            ActionType = "sql",
            Text = "SELECT * FROM orders WHERE id = $1",
            Decision = "allow",
            Rule = "prod-reads",
        });
        await gate.WaitAsync();
        try
        {
            await output.WriteLineAsync($"ack {receipt.Seq} {receipt.Id}");
            await output.FlushAsync();
        }
        finally
        {
            gate.Release();
        }
    }
})));
