using Airlock.Postgres.Tests.Robustness;
using Npgsql;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>Small helpers the class B and I cases share: run SQL on an open Npgsql connection and keep what the client saw.</summary>
internal static class AdversarialSessionSupport
{
    /// <summary>The issue's attack: one SELECT with standard strings, a SELECT and an UPDATE with backslash escapes.</summary>
    public const string BackslashAttack = @"SELECT 'x\'; -- ' ; UPDATE orders SET status = 'pwned' WHERE id = 8; --'";

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Runs <paramref name="sql"/>; returns the first column of each row, or the error's SQLSTATE and message.</summary>
    public static async Task<string> RunAsync(NpgsqlConnection connection, string sql)
    {
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            do
            {
                while (await reader.ReadAsync())
                {
                    rows.Add(reader.FieldCount > 0 ? Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "NULL" : string.Empty);
                }
            }
            while (await reader.NextResultAsync());
            return "ok: " + string.Join("|", rows);
        }
        catch (PostgresException ex)
        {
            return $"error {ex.SqlState} {ex.Severity}: {ex.MessageText}";
        }
    }

    /// <summary>A raw client logged in as alice (or another user), for bytes and pipelines psql does not send.</summary>
    public static async Task<RawPgClient> RawLoginAsync(int port, string user = "alice", string token = Support.GatewayHarness.AliceToken)
    {
        var raw = await RawPgClient.ConnectAsync(port);
        await raw.LoginAsync(user, token);
        return raw;
    }

    /// <summary>Every message of a reply as text, for the planted-value checks.</summary>
    public static string Text(BackendReply reply) =>
        string.Join("\n", reply.Messages.Select(m => m.Type + ":" + System.Text.Encoding.UTF8.GetString(m.Payload)));

    /// <summary>The CommandComplete tags of a reply.</summary>
    public static IReadOnlyList<string> Tags(BackendReply reply) =>
        [.. reply.Messages.Where(m => m.Type == 'C').Select(m => System.Text.Encoding.UTF8.GetString(m.Payload).TrimEnd('\0'))];
}
