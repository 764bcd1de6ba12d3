using System.Text;

namespace Airlock.Benchmarks.Sql;

/// <summary>The SQL the SQL-engine benchmarks classify: a short query, a 5 KB report, a 100-statement script.</summary>
internal static class SqlStatements
{
    /// <summary>The shape of most interactive queries: a few columns of one table by key.</summary>
    public const string Short = "SELECT id, email, created_at FROM customers WHERE id = 42";

    /// <summary>A reporting query of about 5 KB: CTEs, joins, aggregates, window functions, CASE, subqueries.</summary>
    public static string Report { get; } = BuildReport();

    /// <summary>A 100-statement maintenance script: reads, writes, transaction control and settings.</summary>
    public static string Script { get; } = BuildScript();

    private static string BuildReport()
    {
        var sql = new StringBuilder("""
            WITH recent_orders AS (
                SELECT o.id, o.customer_id, o.amount_cents, o.status, o.created_at,
                       row_number() OVER (PARTITION BY o.customer_id ORDER BY o.created_at DESC) AS rn
                FROM orders o
                WHERE o.created_at >= now() - interval '90 days' AND o.status IN ('paid', 'shipped', 'refunded')
            ),
            customer_totals AS (
                SELECT c.id AS customer_id, c.full_name, c.email, date_trunc('month', r.created_at) AS month,
                       sum(r.amount_cents) FILTER (WHERE r.status <> 'refunded') AS gross_cents,
                       sum(r.amount_cents) FILTER (WHERE r.status = 'refunded') AS refunded_cents,
                       count(*) AS orders, max(r.created_at) AS last_order_at
                FROM customers c JOIN recent_orders r ON r.customer_id = c.id
                GROUP BY c.id, c.full_name, c.email, date_trunc('month', r.created_at)
            )
            SELECT t.customer_id, t.full_name, lower(t.email) AS email, t.month,
                   coalesce(t.gross_cents, 0) - coalesce(t.refunded_cents, 0) AS net_cents,
                   CASE WHEN t.orders > 10 THEN 'frequent' WHEN t.orders > 3 THEN 'regular' ELSE 'occasional' END AS segment,
                   (SELECT count(*) FROM orders o2 WHERE o2.customer_id = t.customer_id AND o2.status = 'open') AS open_orders,
                   rank() OVER (PARTITION BY t.month ORDER BY t.gross_cents DESC NULLS LAST) AS month_rank
            FROM customer_totals t
            WHERE t.orders > 0

            """);
        var i = 0;
        while (sql.Length < 5 * 1024 - 200)
        {
            sql.Append($"  AND (t.customer_id % 97 <> {i} OR t.last_order_at > timestamp '2026-01-{(i % 28) + 1:00} 00:00' OR t.full_name ILIKE 'x{i}%')\n");
            i++;
        }

        sql.Append("ORDER BY t.month DESC, net_cents DESC\nLIMIT 500");
        return sql.ToString();
    }

    private static string BuildScript()
    {
        var sql = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            sql.AppendLine((i % 5) switch
            {
                0 => $"SELECT id, status FROM orders WHERE customer_id = {i} ORDER BY created_at DESC LIMIT 10;",
                1 => $"UPDATE orders SET status = 'shipped' WHERE id = {i} AND status = 'paid';",
                2 => $"INSERT INTO audit_notes (order_id, note) VALUES ({i}, 'checked by on-call');",
                3 => "SET statement_timeout = '5s';",
                _ => i % 10 == 4 ? "BEGIN;" : "COMMIT;",
            });
        }

        return sql.ToString();
    }
}
