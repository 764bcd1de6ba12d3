using Airlock.Audit;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Audit;

public sealed class AuditTailCommandTests(AuditStoreFixture fixture) : IClassFixture<AuditStoreFixture>
{
    private AuditTestStore Store => fixture.Store;

    [Fact]
    public void Shows_the_last_n_events_oldest_first()
    {
        var json = CliRunner.Run("audit", "tail", "--store", Store.Location, "-n", "5", "--json");
        var text = CliRunner.Run("audit", "tail", "--store", Store.Location, "-n", "3");
        var byDefault = CliRunner.Run("audit", "tail", "--store", Store.Location, "--json");
        var filtered = CliRunner.Run("audit", "tail", "--store", Store.Location, "--lines", "2", "--user", "bob", "--json");

        Assert.Equal(0, json.ExitCode);
        Assert.Equal([20L, 21L, 22L, 23L, 24L], AuditSearchCommandTests.JsonLines(json.Out).Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(0, text.ExitCode);
        var lines = text.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("   SEQ TIME (UTC)", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^\s+22 .* action\.outcome ", lines[1]);
        Assert.Matches(@"^\s+24 .* approval\.requested bob\s+billing-prod\s+review\s+-\s+ticket=CHG-24$", lines[3]);
        Assert.Equal(Enumerable.Range(5, 20).Select(i => (long)i), AuditSearchCommandTests.JsonLines(byDefault.Out).Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal([23L, 24L], AuditSearchCommandTests.JsonLines(filtered.Out).Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public void A_negative_count_is_a_usage_error()
    {
        var result = CliRunner.Run("audit", "tail", "--store", Store.Location, "-n", "-1");

        Assert.Equal(2, result.ExitCode);
    }
}

public sealed class AuditTailFollowTests
{
    [Fact]
    public async Task Follow_prints_events_appended_after_it_started_and_stops_on_cancellation()
    {
        using var store = await AuditTestStore.CreateAsync(events: 8);
        await using var tail = CliRunner.Start("audit", "tail", "--store", store.Location, "-n", "2", "-f", "--json");
        await tail.WaitForOutputAsync(o => AuditSearchCommandTests.JsonLines(o).Count == 2);

        // Two new events: one that the filterless tail shows, in order, after the first two.
        await store.AppendAsync(
            new AuditEvent { Kind = AuditEventKinds.ActionIntent, User = "dave", Resource = "orders-prod", Decision = "allow", Text = "SELECT 1" },
            new AuditEvent { Kind = AuditEventKinds.SessionEnd, User = "dave" });
        await tail.WaitForOutputAsync(o => o.Contains("\"kind\":\"session.end\"", StringComparison.Ordinal));
        var result = await tail.StopAsync();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([7L, 8L, 9L, 10L], AuditSearchCommandTests.JsonLines(result.Out).Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public async Task Follow_with_a_filter_skips_what_does_not_match()
    {
        using var store = await AuditTestStore.CreateAsync(events: 4);
        await store.AppendAsync(new AuditEvent { Kind = AuditEventKinds.ActionIntent, User = "erin", Resource = "orders-prod", Text = "SELECT 0" });
        await using var tail = CliRunner.Start("audit", "tail", "--store", store.Location, "-n", "1", "-f", "--user", "erin");

        // erin's first event on screen means the tail has read the head: what follows is appended after it.
        await tail.WaitForOutputAsync(o => o.Contains("SELECT 0", StringComparison.Ordinal));
        await store.AppendAsync(
            new AuditEvent { Kind = AuditEventKinds.ActionIntent, User = "frank", Resource = "orders-prod", Text = "SELECT 2" },
            new AuditEvent { Kind = AuditEventKinds.ActionIntent, User = "erin", Resource = "orders-prod", Text = "SELECT 3" });
        await tail.WaitForOutputAsync(o => o.Contains("SELECT 3", StringComparison.Ordinal));
        var result = await tail.StopAsync();

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // the header, then erin's two events
        Assert.Matches(@"^\s+5 .* erin .*SELECT 0", lines[1]);
        Assert.Matches(@"^\s+7 .* erin .*SELECT 3", lines[2]);
        Assert.DoesNotContain("frank", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_asynchronous_entry_point_stops_a_follow_when_its_token_is_cancelled()
    {
        using var store = await AuditTestStore.CreateAsync(events: 3);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));

        var result = await CliRunner.RunAsync(cancel.Token, "audit", "tail", "--store", store.Location, "-f", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, AuditSearchCommandTests.JsonLines(result.Out).Count);
    }
}
