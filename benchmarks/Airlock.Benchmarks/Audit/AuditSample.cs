using Airlock.Audit;

namespace Airlock.Benchmarks.Audit;

/// <summary>
/// Realistic <c>action.intent</c> events, as the gateway writes one before it forwards a statement: user,
/// groups, MFA, resource, client, normalized SQL text of about 120 characters (literals replaced by
/// <c>$n</c>, so the redactor finds nothing to mask), statement kind, tables, decision, deciding rule and
/// policy revision. Eight users, eight resources and eight statements, combined 64 ways.
/// </summary>
internal static class AuditSample
{
    /// <summary>Normalized statements, 110 to 130 characters each.</summary>
    public static readonly string[] Statements =
    [
        "SELECT o.id, o.status, o.total, c.email FROM public.orders o JOIN public.customers c ON c.id = o.customer_id WHERE o.id = $1",
        "SELECT id, email, full_name, created_at, plan FROM public.customers WHERE created_at >= $1 AND plan = $2 ORDER BY id LIMIT $3",
        "UPDATE public.orders SET status = $1, updated_at = now() WHERE id = $2 AND status = $3 RETURNING id, status, updated_at",
        "SELECT count(*), sum(amount) FROM billing.invoices WHERE customer_id = $1 AND issued_at BETWEEN $2 AND $3 AND paid = $4",
        "SELECT s.id, s.sku, s.quantity, w.name FROM inventory.stock s JOIN inventory.warehouses w ON w.id = s.warehouse_id WHERE s.sku = $1",
        "DELETE FROM public.sessions WHERE user_id = $1 AND expires_at < now() - interval '30 days' RETURNING id, user_id, expires_at",
        "INSERT INTO public.refunds (order_id, amount, reason, created_by) VALUES ($1, $2, $3, $4) RETURNING id, order_id, amount",
        "SELECT e.id, e.kind, e.payload ->> $1 AS detail FROM analytics.events e WHERE e.account_id = $2 AND e.at > $3 ORDER BY e.at DESC",
    ];

    private static readonly string[][] Tables =
    [
        ["public.orders", "public.customers"],
        ["public.customers"],
        ["public.orders"],
        ["billing.invoices"],
        ["inventory.stock", "inventory.warehouses"],
        ["public.sessions"],
        ["public.refunds"],
        ["analytics.events"],
    ];

    private static readonly string[] Kinds = ["select", "select", "update", "select", "select", "delete", "insert", "select"];

    private static readonly string[] Users = ["alice@acme.io", "bob@acme.io", "carol@acme.io", "dave@acme.io", "erin@acme.io", "frank@acme.io", "grace@acme.io", "heidi@acme.io"];

    private static readonly string[] Resources = ["orders-prod", "orders-staging", "billing-prod", "inventory-prod", "analytics-prod", "crm-prod", "payments-prod", "search-prod"];

    /// <summary>64 distinct events; appenders take them round-robin.</summary>
    public static AuditEvent[] Events { get; } = [.. Enumerable.Range(0, 64).Select(Intent)];

    public static AuditEvent Intent(int i)
    {
        var statement = i % Statements.Length;
        return new AuditEvent
        {
            Kind = AuditEventKinds.ActionIntent,
            SessionId = $"ses_{i:x4}{i * 7919:x6}",
            User = Users[i / Statements.Length % Users.Length],
            Groups = ["eng", "oncall", "team-payments"],
            Mfa = true,
            Resource = Resources[(i / 3) % Resources.Length],
            Client = $"10.20.{i % 5}.{10 + i}:5{i:0000}",
            ActionType = "sql",
            Text = Statements[statement],
            StatementKind = Kinds[statement],
            Tables = Tables[statement],
            Decision = "allow",
            Rule = "prod-read-oncall",
            PolicyRevision = "rev-2026-11-20-7f3c9a1",
        };
    }
}
