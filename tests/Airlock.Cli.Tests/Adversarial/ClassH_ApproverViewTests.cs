using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Airlock.Cli.Tests.Support;
using Npgsql;

namespace Airlock.Cli.Tests.Adversarial;

/// <summary>
/// Issue 14, class H: what approvers see. Through real psql, Npgsql, the admin API and the real CLI, against
/// the demo database. An approver sees the exact text that will run (control, C1, bidi and zero-width
/// characters written <c>\u{XXXX}</c>) and the parser's normalized structure beside it; the CLI prints
/// nothing from the API that could drive a terminal; a person sees only the requests and grants they asked
/// for or may decide, and any other id is 404, as one that does not exist. Each case asserts that nothing
/// ran before an approval, and that the exact text stays out of the audit trail.
/// </summary>
public sealed partial class ClassH_ApproverViewTests(ApproverViewGateway gateway) : IClassFixture<ApproverViewGateway>
{
    private const char Esc = '\u001b';

    [Fact]
    public async Task A_comment_that_masking_swallows_cannot_hide_the_clause_that_follows_it()
    {
        const string Sql = "UPDATE orders SET status = 'refunded' WHERE id = 1 /* Cookie: s=1 */ OR id <= 3";
        var before = await gateway.OrdersFingerprintAsync();
        var id = await HoldAsync("alice", Sql);
        Assert.Equal(before, await gateway.OrdersFingerprintAsync());

        var show = gateway.Cli("bob", "reviews", "show", id);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("/* Cookie: s=1 */ OR id <= 3", show.Out, StringComparison.Ordinal);
        Assert.Contains("WHERE id = $2 OR id <= $3", show.Out, StringComparison.Ordinal);
        Assert.Contains("write (UpdateStmt): writes orders", show.Out, StringComparison.Ordinal);

        using var bob = gateway.Api("bob");
        using var json = JsonDocument.Parse(await bob.GetStringAsync(new Uri("v1/reviews/" + id, UriKind.Relative)));
        var exact = json.RootElement.GetProperty("exact");
        Assert.Equal(Sql, exact.GetProperty("text").GetString());
        Assert.True(exact.GetProperty("matches_digest").GetBoolean());
        Assert.Contains("OR id <= $3", json.RootElement.GetProperty("structure").GetProperty("normalized").GetString(), StringComparison.Ordinal);

        // The trail keeps the normalized text of the request, never the exact one.
        var audit = await gateway.AuditTextAsync();
        Assert.DoesNotContain("Cookie: s=1", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("'refunded'", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_the_masking_would_hide_are_shown_to_the_approver_and_to_nobody_else()
    {
        const string Email = "new.owner.4711@example.org";
        const string Card = "4111111111111111";
        var sql = $"UPDATE customers SET email = '{Email}', card_number = '{Card}' WHERE id = 12";
        var before = await gateway.ScalarAsync("SELECT email || card_number FROM customers WHERE id = 12");
        var id = await HoldAsync("alice", sql);

        var show = gateway.Cli("bob", "reviews", "show", id);
        Assert.Contains(Email, show.Out, StringComparison.Ordinal);
        Assert.Contains(Card, show.Out, StringComparison.Ordinal);

        // The masked summary (lists, webhooks) and the trail do not hold them; the row is as it was.
        using var admin = gateway.Api(null);
        var asAdmin = await admin.GetStringAsync(new Uri("v1/reviews/" + id, UriKind.Relative));
        Assert.DoesNotContain(Card, asAdmin, StringComparison.Ordinal);
        Assert.Contains("\"exact\":null", asAdmin, StringComparison.Ordinal);
        var audit = await gateway.AuditTextAsync();
        Assert.DoesNotContain(Email, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, audit, StringComparison.Ordinal);
        Assert.Equal(before, await gateway.ScalarAsync("SELECT email || card_number FROM customers WHERE id = 12"));
    }

    [Fact]
    public async Task Terminal_escape_sequences_in_a_held_statement_are_shown_escaped_and_never_reach_the_terminal()
    {
        // Clear the screen, move up, and print a fake verdict over the real text, then a carriage return.
        var sql = $"UPDATE orders SET status = 'void{Esc}[2J{Esc}[1A' WHERE id > 0 /* WHERE id = 5 (one row){Esc}]0;ok\u0007\r\b */";
        var id = await HoldAsync("alice", sql);

        var show = gateway.Cli("bob", "reviews", "show", id);
        Assert.True(show.ExitCode == 0, show.Error);
        AssertInert(show.All);
        Assert.Contains(@"\u{001B}[2J\u{001B}[1A", show.Out, StringComparison.Ordinal);
        Assert.Contains(@"\u{0007}\u{000D}\u{0008}", show.Out, StringComparison.Ordinal);
        Assert.Contains("WARNING: the statement holds characters that are invisible", show.Out, StringComparison.Ordinal);

        var list = gateway.Cli("bob", "reviews", "list");
        AssertInert(list.All);
        var json = gateway.Cli("bob", "reviews", "show", id, "--json");
        AssertInert(json.All);
        using var parsed = JsonDocument.Parse(json.Out);
        Assert.Contains("WHERE id > 0", parsed.RootElement.GetProperty("exact").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bidi_overrides_isolates_and_zero_width_characters_are_made_visible()
    {
        // "OR id <= 3" written backwards under a right-to-left override reads as a harmless comment.
        var sql = "UPDATE orders SET status = 'held\u200b\u00a0' WHERE id = 6 /*\u202e 3 => di RO \u202c \u2066x\u2069\u200e\u200f\ufeff*/ OR id <= 3";
        var id = await HoldAsync("alice", sql);

        var show = gateway.Cli("bob", "reviews", "show", id);
        AssertInert(show.All);
        foreach (var escape in new[] { @"\u{202E}", @"\u{202C}", @"\u{00A0}", @"\u{200B}", @"\u{2066}", @"\u{2069}", @"\u{200E}", @"\u{200F}", @"\u{FEFF}" })
        {
            Assert.Contains(escape, show.Out, StringComparison.Ordinal);
        }

        using var bob = gateway.Api("bob");
        using var json = JsonDocument.Parse(await bob.GetStringAsync(new Uri("v1/reviews/" + id, UriKind.Relative)));
        var exact = json.RootElement.GetProperty("exact");
        Assert.True(exact.GetProperty("escaped").GetBoolean());
        Assert.DoesNotContain('\u202e', exact.GetProperty("text").GetString()!);
        Assert.Contains("OR id <= $3", show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parameter_value_with_c1_controls_is_shown_escaped_beside_the_prepared_text()
    {
        // As the gateway holds a statement prepared with Parse and bound with these values (in a read-write
        // session; in alice's read-only one the demo refuses prepared writes at Parse, docs/approvals.md).
        const string Sql = "UPDATE orders SET status = $1 WHERE id = $2";
        var session = new Airlock.Pipeline.GatewaySession("s-classh", new Airlock.Pipeline.GatewayUser("carol", [], Mfa: false), "demo", null, null, DateTimeOffset.UtcNow);
        var verdict = new Airlock.Pipeline.StatementGate(() => gateway.Host.Policy.Current, TimeProvider.System).Decide(session, Sql);
        byte[] binary = [0x00, 0x1b, 0xff];
        var held = await gateway.Host.Approvals.ReviewAsync(session, verdict, Sql, ["ok\u009b2J\u0085line"u8.ToArray(), "7"u8.ToArray(), binary], default);
        Assert.False(held.Run);

        var show = gateway.Cli("bob", "reviews", "show", held.RequestId);
        AssertInert(show.All);
        Assert.Contains(Sql, show.Out, StringComparison.Ordinal);
        Assert.Contains(@"$1 = 'ok\u{009B}2J\u{0085}line'", show.Out, StringComparison.Ordinal);
        Assert.Contains("$2 = '7'", show.Out, StringComparison.Ordinal);
        Assert.Contains(@"$3 = \x001bff (binary)", show.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("does not match the digest", show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_who_neither_asked_nor_may_decide_sees_no_request_of_others()
    {
        var alices = await HoldAsync("alice", "UPDATE orders SET status = 'paid' WHERE id = 8");
        var carols = await HoldAsync("carol", "UPDATE orders SET status = 'paid' WHERE id = 9");

        // carol is an engineer, not an approver: only her own; dave (support) none at all.
        var carolList = gateway.Cli("carol", "reviews", "list", "--state", "all");
        Assert.Contains(carols, carolList.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(alices, carolList.Out, StringComparison.Ordinal);
        using var dave = gateway.Api("dave");
        using var daveList = JsonDocument.Parse(await dave.GetStringAsync(new Uri("v1/reviews?state=all", UriKind.Relative)));
        Assert.Empty(daveList.RootElement.EnumerateArray());

        // bob may decide both, and sees both; the admin token sees all.
        var bobList = gateway.Cli("bob", "reviews", "list");
        Assert.Contains(alices, bobList.Out, StringComparison.Ordinal);
        Assert.Contains(carols, bobList.Out, StringComparison.Ordinal);
        using var admin = gateway.Api(null);
        var all = await admin.GetStringAsync(new Uri("v1/reviews?state=all&limit=1000", UriKind.Relative));
        Assert.Contains(alices, all, StringComparison.Ordinal);
        Assert.Contains(carols, all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probing_an_id_of_someone_else_is_answered_exactly_as_an_id_that_does_not_exist()
    {
        var id = await HoldAsync("alice", "UPDATE orders SET status = 'probe' WHERE id = 10");
        var missing = "apr_" + new string('0', 20);
        using var carol = gateway.Api("carol");

        foreach (var (method, path, body) in new[] { ("GET", "", (object?)null), ("POST", "/approve", new { comment = "x" }), ("POST", "/deny", new { reason = "x" }) })
        {
            var real = await SendAsync(carol, method, $"v1/reviews/{id}{path}", body);
            var none = await SendAsync(carol, method, $"v1/reviews/{missing}{path}", body);
            Assert.Equal(HttpStatusCode.NotFound, real.Status);
            Assert.Equal(none.Status, real.Status);
            Assert.Equal(none.Body.Replace(missing, "ID", StringComparison.Ordinal), real.Body.Replace(id, "ID", StringComparison.Ordinal));
            Assert.Contains("AL1001", real.Body, StringComparison.Ordinal);
        }

        var cli = gateway.Cli("carol", "reviews", "show", id);
        Assert.Contains("404: AL1001", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("orders", cli.All, StringComparison.Ordinal);

        // Still pending: carol's tries changed nothing.
        using var bob = gateway.Api("bob");
        using var json = JsonDocument.Parse(await bob.GetStringAsync(new Uri("v1/reviews/" + id, UriKind.Relative)));
        Assert.Equal("pending", json.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_grant_is_listed_to_its_holder_and_its_approvers_only_and_others_cannot_probe_it()
    {
        var request = gateway.Cli("alice", "request", "demo", "--grant", "prod-write", "--for", "30m", "--reason", "INC-4242");
        Assert.True(request.ExitCode == 0, request.Error);
        var id = RequestId().Match(request.Out).Value;
        await gateway.StepUpBobAsync();
        var approve = gateway.Cli("bob", "reviews", "approve", id);
        Assert.True(approve.ExitCode == 0, approve.Error);

        using var alice = gateway.Api("alice");
        using var grants = JsonDocument.Parse(await alice.GetStringAsync(new Uri("v1/grants", UriKind.Relative)));
        var grant = Assert.Single(grants.RootElement.EnumerateArray(), g => g.GetProperty("approval_id").GetString() == id).GetProperty("id").GetString()!;
        Assert.Contains(grant, gateway.Cli("bob", "grants", "list").Out, StringComparison.Ordinal);
        Assert.DoesNotContain(grant, gateway.Cli("carol", "grants", "list", "--all").Out, StringComparison.Ordinal);
        Assert.DoesNotContain(grant, gateway.Cli("dave", "grants", "list", "--all").Out, StringComparison.Ordinal);

        using var carol = gateway.Api("carol");
        var revoke = await SendAsync(carol, "POST", $"v1/grants/{grant}/revoke", null);
        var none = await SendAsync(carol, "POST", "v1/grants/grt_00000000000000000000/revoke", null);
        Assert.Equal(HttpStatusCode.NotFound, revoke.Status);
        Assert.Equal(none.Body.Replace("grt_00000000000000000000", "ID", StringComparison.Ordinal), revoke.Body.Replace(grant, "ID", StringComparison.Ordinal));

        // Still in force, and alice gives it back herself.
        Assert.True(gateway.Cli("alice", "grants", "revoke", grant).ExitCode == 0);
    }

    [Fact]
    public async Task The_requester_sees_her_own_exact_text_and_an_admin_token_sees_it_masked_and_decides_nothing()
    {
        var id = await HoldAsync("carol", "DELETE FROM orders WHERE id = 11 AND status <> 'secret-value-77'");
        var own = gateway.Cli("carol", "reviews", "show", id);
        Assert.Contains("'secret-value-77'", own.Out, StringComparison.Ordinal);

        using var admin = gateway.Api(null);
        var shown = await admin.GetStringAsync(new Uri("v1/reviews/" + id, UriKind.Relative));
        Assert.Contains("\"exact\":null", shown, StringComparison.Ordinal);
        Assert.Contains("\"structure\"", shown, StringComparison.Ordinal);
        var decided = await SendAsync(admin, "POST", $"v1/reviews/{id}/approve", new { comment = "ops" });
        Assert.Equal(HttpStatusCode.Forbidden, decided.Status);
        Assert.Contains("AL1004", decided.Body, StringComparison.Ordinal);
        Assert.Equal("1", await gateway.ScalarAsync("SELECT count(*) FROM orders WHERE id = 11"));
    }

    [Fact]
    public async Task The_cli_escapes_what_the_server_says_back_in_its_errors()
    {
        // The id (or grant name) someone typed comes back in the server's error: it must not drive the terminal.
        var show = gateway.Cli("bob", "reviews", "show", $"apr_{Esc}]0;pwned\u0007{Esc}[2J");
        Assert.NotEqual(0, show.ExitCode);
        AssertInert(show.All);
        Assert.Contains("AL1001", show.Error, StringComparison.Ordinal);

        var request = gateway.Cli("alice", "request", "demo", "--grant", $"x{Esc}[31m\u202e", "--for", "10m", "--reason", "INC-1");
        Assert.NotEqual(0, request.ExitCode);
        AssertInert(request.All);
        Assert.Contains(@"\u{001B}[31m\u{202E}", request.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_tail_of_the_store_prints_an_escape_in_a_quoted_identifier_inertly()
    {
        // A quoted identifier survives normalization, so it reaches the trail's text.
        var held = await gateway.PsqlAsync("alice", $"UPDATE \"orders{Esc}[2J\u202e\" SET status = 'x' WHERE id = 12");
        Assert.NotEqual(0, held.ExitCode);
        await gateway.Host.Audit.CheckpointAsync();

        var tail = CliRunner.Run("audit", "tail", "--store", "sqlite:" + gateway.StorePath, "-n", "50");
        Assert.True(tail.ExitCode == 0, tail.Error);
        AssertInert(tail.All);
        Assert.Contains(@"orders\u{001B}[2J", tail.Out, StringComparison.Ordinal);
    }

    /// <summary>Runs a write as <paramref name="user"/> with psql; it is held, and the request id from the error is returned.</summary>
    private async Task<string> HoldAsync(string user, string sql)
    {
        var held = await gateway.PsqlAsync(user, sql);
        Assert.NotEqual(0, held.ExitCode);
        Assert.Contains("AL0902", held.StandardError, StringComparison.Ordinal);
        var id = RequestId().Match(held.StandardError).Value;
        Assert.StartsWith("apr_", id, StringComparison.Ordinal);
        return id;
    }

    /// <summary>Nothing a terminal acts on or hides: no C0 control but LF and TAB, no C1, no bidi or zero-width character.</summary>
    private static void AssertInert(string output)
    {
        foreach (var c in output)
        {
            var hidden = (c < ' ' && c is not '\n' and not '\t') || c is >= '\u007f' and <= '\u009f'
                || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
                || c == '\u00a0';
            Assert.False(hidden, $"U+{(int)c:X4} reached the terminal:\n{output}");
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, string method, string path, object? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("apr_[0-9a-f]{20}")]
    private static partial Regex RequestId();
}
