using System.Text.Json;
using Airlock.Audit;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Audit;

public sealed class AuditSearchCommandTests(AuditStoreFixture fixture) : IClassFixture<AuditStoreFixture>
{
    private AuditTestStore Store => fixture.Store;

    internal static List<JsonElement> JsonLines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    [Fact]
    public void Filters_by_user_kind_prefix_and_decision()
    {
        var bob = CliRunner.Run("audit", "search", "--store", Store.Location, "--user", "bob", "--json");
        var actions = CliRunner.Run("audit", "search", "--store", Store.Location, "--kind", "action.", "--json");
        var intents = CliRunner.Run("audit", "search", "--store", Store.Location, "--kind", "action.intent", "--json");
        var denied = CliRunner.Run("audit", "search", "--store", Store.Location, "--decision", "deny", "--resource", "billing-prod", "--json");
        var session = CliRunner.Run("audit", "search", "--store", Store.Location, "--session", "s-alice", "--json");

        Assert.All([bob, actions, intents, denied, session], r => Assert.Equal(0, r.ExitCode));
        var bobs = JsonLines(bob.Out);
        Assert.Equal(12, bobs.Count);
        Assert.All(bobs, e => Assert.Equal("bob", e.GetProperty("user").GetString()));
        Assert.Equal(18, JsonLines(actions.Out).Count);
        Assert.All(JsonLines(actions.Out), e => Assert.StartsWith("action.", e.GetProperty("kind").GetString(), StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (4L * i) + 1), JsonLines(intents.Out).Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (4L * i) + 3), JsonLines(denied.Out).Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(12, JsonLines(session.Out).Count);
    }

    [Fact]
    public void Limit_keeps_the_newest_matches_in_order()
    {
        var result = CliRunner.Run("audit", "search", "--store", Store.Location, "--user", "alice", "--limit", "3", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([18L, 21L, 22L], JsonLines(result.Out).Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public void The_readable_table_has_the_columns_and_fits_120_characters()
    {
        var result = CliRunner.Run("audit", "search", "--store", Store.Location, "--user", "alice");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^\s*SEQ TIME \(UTC\)\s+KIND\s+USER\s+RESOURCE\s+DECISION OUTCOME\s+TEXT$", lines[0]);
        Assert.Equal(14, lines.Length); // header, 12 events, count
        Assert.Equal("12 events", lines[^1]);
        Assert.All(lines, l => Assert.True(l.Length <= 120, $"{l.Length} characters: {l}"));
        Assert.Equal(120, lines[1].Length); // the statement was cut to fit
        Assert.Matches(@"^\s+1 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d action\.intent\s+alice\s+orders-prod\s+allow\s+-\s+SELECT id, email FROM custome…$", lines[1]);
        Assert.Matches(@"^\s+2 .* action\.outcome\s+alice\s+orders-prod\s+-\s+ok/42\s+-$", lines[2]);
    }

    [Fact]
    public void No_match_says_so()
    {
        var text = CliRunner.Run("audit", "search", "--store", Store.Location, "--user", "nobody");
        var json = CliRunner.Run("audit", "search", "--store", Store.Location, "--user", "nobody", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Equal("no events match", text.Out.Trim());
        Assert.Equal(string.Empty, json.Out);
    }

    [Theory]
    [InlineData("--since", "banana")]
    [InlineData("--until", "15x")]
    [InlineData("--since", "-2h")]
    public void Bad_times_are_usage_errors_naming_the_option_and_value(string option, string value)
    {
        var result = CliRunner.Run("audit", "search", "--store", Store.Location, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{option} '{value}' is not a time", result.Error, StringComparison.Ordinal);
        Assert.Contains("15m, 2h or 7d", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_time_range_and_a_bad_limit_are_usage_errors()
    {
        var range = CliRunner.Run("audit", "search", "--store", Store.Location, "--since", "1h", "--until", "2h");
        var limit = CliRunner.Run("audit", "search", "--store", Store.Location, "--limit", "0");

        Assert.Equal(2, range.ExitCode);
        Assert.Contains("--since", range.Error, StringComparison.Ordinal);
        Assert.Equal(2, limit.ExitCode);
        Assert.Contains("--limit '0'", limit.Error, StringComparison.Ordinal);
    }
}

public sealed class AuditSearchTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Since_and_until_take_iso_times_and_durations_before_now()
    {
        using var store = await AuditTestStore.CreateAsync(events: 0);
        await store.AppendAsync(
            Event("three-days", Now.AddDays(-3)),
            Event("three-hours", Now.AddHours(-3)),
            Event("ninety-minutes", Now.AddMinutes(-90)),
            Event("ten-minutes", Now.AddMinutes(-10)),
            Event("one-minute", Now.AddMinutes(-1)));
        var clock = new FixedClock(Now);

        string[] Users(params string[] filter)
        {
            var result = CliRunner.Run(clock, ["audit", "search", "--store", store.Location, "--json", .. filter]);
            Assert.Equal(0, result.ExitCode);
            return [.. AuditSearchCommandTests.JsonLines(result.Out).Select(e => e.GetProperty("user").GetString()!)];
        }

        Assert.Equal(["ninety-minutes", "ten-minutes", "one-minute"], Users("--since", "2h"));
        Assert.Equal(["ten-minutes", "one-minute"], Users("--since", "15m"));
        // --until is exclusive: the event at exactly 11:59:00 is left out.
        Assert.Equal(["three-days", "three-hours", "ninety-minutes", "ten-minutes"], Users("--since", "7d", "--until", "2026-03-02T11:59:00Z"));
        Assert.Equal(["three-days", "three-hours"], Users("--until", "2h"));
        Assert.Equal(["ninety-minutes"], Users("--since", "2026-03-02T10:00:00Z", "--until", "1h"));
        Assert.Equal(["three-hours", "ninety-minutes"], Users("--since", "2026-03-02T10:30:00+02:00", "--until", "2026-03-02 10:31"));
    }

    private static AuditEvent Event(string user, DateTimeOffset time) =>
        new() { Kind = AuditEventKinds.Admin, User = user, Time = time, Detail = new Dictionary<string, string> { ["at"] = time.ToString("O") } };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
