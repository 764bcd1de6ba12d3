using System.Globalization;
using Airlock.Store;

namespace Airlock.Audit.Tests.Support;

/// <summary>Writes a realistic trail: sessions, intents and outcomes, a denial, with checkpoints every <c>checkpointEvery</c> events.</summary>
public static class SampleTrail
{
    public static async Task WriteAsync(IAirlockStore store, AuditSigningKey key, int events, int checkpointEvery = 10)
    {
        await using var trail = new AuditTrail(store, key, new AuditTrailOptions { CheckpointEveryEvents = checkpointEvery });
        for (var i = 1; i <= events; i++)
        {
            await trail.AppendAsync(Event(i));
        }
    }

    public static AuditEvent Event(int i) => (i % 4) switch
    {
        0 => new AuditEvent
        {
            Kind = AuditEventKinds.ActionOutcome,
            SessionId = "s1",
            User = "alice",
            Resource = "orders-prod",
            IntentSeq = i - 1,
            Rows = 42,
            Masked = new Dictionary<string, long> { ["email"] = 3, ["card"] = 1 },
            DurationMicros = 1234,
            Outcome = "ok",
        },
        1 => new AuditEvent
        {
            Kind = AuditEventKinds.ActionIntent,
            SessionId = "s1",
            User = "alice",
            Groups = ["engineers"],
            Mfa = true,
            Resource = "orders-prod",
            Client = "10.0.0.7:51234",
            ActionType = "sql",
            Text = "SELECT id, email FROM public.customers WHERE id = $" + i.ToString(CultureInfo.InvariantCulture),
            StatementKind = "select",
            Tables = ["public.customers"],
            Decision = "allow",
            Rule = "prod-engineer-reads",
            PolicyRevision = "rev-abc123",
        },
        2 => new AuditEvent
        {
            Kind = AuditEventKinds.ActionBlocked,
            SessionId = "s2",
            User = "bob",
            Resource = "orders-prod",
            ActionType = "sql",
            Text = "DROP TABLE orders",
            StatementKind = "drop",
            Decision = "deny",
            Rule = "no-ddl-in-prod",
            Outcome = "denied",
        },
        _ => new AuditEvent { Kind = AuditEventKinds.SessionStart, SessionId = "s" + i.ToString(CultureInfo.InvariantCulture), User = "carol", Resource = "orders-staging" },
    };
}
