using System.CommandLine;
using System.Globalization;
using Airlock.Store;

namespace Airlock.Cli.Audit;

/// <summary>
/// <c>airlock audit verify | tail | search | export | checkpoint export | keygen | public-key</c>: the tamper-evident trail, read
/// from the store with no gateway running. Every command but keygen opens the store read-only, so it can
/// run beside a live gateway or on a copy on read-only media.
/// </summary>
internal static class AuditCommands
{
    /// <summary>The environment variable that names the store when <c>--store</c> is not given.</summary>
    public const string StoreVariable = "AIRLOCK_STORE";

    private const string StoreForms =
        "LOCATION is sqlite:PATH (or a path ending in .db), postgres://user@host:port/db, postgres:Host=…;Database=…, "
        + "or env:NAME to read any of these from an environment variable (keeps a password out of argv)";

    public static Command Build(CliContext context)
    {
        var audit = new Command("audit", "Verify, read and export the tamper-evident audit trail, and make its signing key.");
        audit.Add(AuditVerifyCommand.Build(context));
        audit.Add(AuditTailCommand.Build(context));
        audit.Add(AuditSearchCommand.Build(context));
        audit.Add(AuditExportCommand.Build(context));
        audit.Add(AuditCheckpointCommands.Build(context));
        audit.Add(AuditKeyCommands.BuildKeygen(context));
        audit.Add(AuditKeyCommands.BuildPublicKey(context));
        return audit;
    }

    /// <summary>
    /// Sets an asynchronous action that Ctrl+C can interrupt. System.CommandLine starts watching for the signal
    /// only once the action has returned its task, and store reads mostly complete synchronously, so the action
    /// first yields: otherwise a long read would run to its end before Ctrl+C could cancel it.
    /// </summary>
    public static void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            await Task.Yield();
            return await action(parse, cancellationToken);
        });

    public static Option<string?> StoreOption() => new("--store")
    {
        Description = $"The store to read (default: ${StoreVariable}). {StoreForms}.",
        HelpName = "LOCATION",
    };

    public static Option<bool> ProgressOption() => new("--progress")
    {
        Description = "Show progress on standard error even when it is not a terminal (it is shown on a terminal anyway).",
    };

    /// <summary>Opens the store named by <c>--store</c> or <c>$AIRLOCK_STORE</c>, read-only.</summary>
    /// <exception cref="CliUsageException">Neither names a store.</exception>
    /// <exception cref="StoreException">The location is malformed (usage) or the store cannot be opened (unavailable).</exception>
    public static async ValueTask<IAirlockStore> OpenStoreAsync(string? option, CancellationToken cancellationToken)
    {
        var text = option ?? Environment.GetEnvironmentVariable(StoreVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CliUsageException($"no store given: pass --store LOCATION or set {StoreVariable}. {StoreForms}.");
        }

        var location = StoreLocation.Parse(text);
        return await StoreFactory.OpenAsync(new StoreOptions { Location = location, ReadOnly = true }, cancellationToken);
    }

    /// <summary>
    /// Reads a time option: ISO 8601 (<c>2026-03-02T10:00:00Z</c>; no offset means UTC) or a duration before
    /// <paramref name="now"/>: a whole number and a unit, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c> or <c>w</c>
    /// (<c>15m</c>, <c>2h</c>, <c>7d</c>).
    /// </summary>
    public static DateTimeOffset ParseTime(string option, string text, DateTimeOffset now)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            var unit = char.ToLowerInvariant(trimmed[^1]) switch
            {
                's' => TimeSpan.TicksPerSecond,
                'm' => TimeSpan.TicksPerMinute,
                'h' => TimeSpan.TicksPerHour,
                'd' => TimeSpan.TicksPerDay,
                'w' => TimeSpan.TicksPerDay * 7,
                _ => 0,
            };
            if (unit > 0 && amount <= (now.UtcTicks - DateTimeOffset.MinValue.UtcTicks) / unit)
            {
                return now.AddTicks(-amount * unit);
            }
        }

        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : throw new CliUsageException($"{option} '{text}' is not a time: use ISO 8601 such as 2026-03-02T10:00:00Z, or a duration before now such as 15m, 2h or 7d");
    }

    public static string Plural(long count, string noun) => $"{count:N0} {noun}{(count == 1 ? string.Empty : "s")}";
}

/// <summary>The filters that <c>tail</c>, <c>search</c> and <c>export</c> share, turned into an <see cref="AuditQuery"/>.</summary>
internal sealed class AuditFilterOptions
{
    public Option<string?> User { get; } = new("--user") { Description = "Only events of this user." };

    public Option<string?> Resource { get; } = new("--resource") { Description = "Only events on this resource." };

    public Option<string?> Kind { get; } = new("--kind") { Description = "Only this kind of event: exact (action.intent) or a prefix ending in a dot (action.)." };

    public Option<string?> Decision { get; } = new("--decision") { Description = "Only events with this decision: allow, deny or review." };

    public Option<string?> Session { get; } = new("--session") { Description = "Only events of this session id." };

    public Option<string?> Since { get; } = new("--since") { Description = "Only events at or after this time: ISO 8601, or a duration before now (15m, 2h, 7d).", HelpName = "TIME" };

    public Option<string?> Until { get; } = new("--until") { Description = "Only events before this time: ISO 8601, or a duration before now (15m, 2h, 7d).", HelpName = "TIME" };

    public void AddTo(Command command)
    {
        command.Add(User);
        command.Add(Resource);
        command.Add(Kind);
        command.Add(Decision);
        command.Add(Session);
        command.Add(Since);
        command.Add(Until);
    }

    /// <summary>The query for the filters given.</summary>
    /// <exception cref="CliUsageException">A time does not parse, or the range is empty.</exception>
    public AuditQuery ToQuery(ParseResult parse, CliContext context)
    {
        var now = context.Time.GetUtcNow();
        var since = parse.GetValue(Since) is { } s ? AuditCommands.ParseTime("--since", s, now) : (DateTimeOffset?)null;
        var until = parse.GetValue(Until) is { } u ? AuditCommands.ParseTime("--until", u, now) : (DateTimeOffset?)null;
        if (since is { } from && until is { } to && from >= to)
        {
            throw new CliUsageException($"--since ({from:yyyy-MM-ddTHH:mm:ssZ}) is not before --until ({to:yyyy-MM-ddTHH:mm:ssZ}): no event can match");
        }

        return new AuditQuery
        {
            User = NonEmpty(parse.GetValue(User)),
            Resource = NonEmpty(parse.GetValue(Resource)),
            Kind = NonEmpty(parse.GetValue(Kind)),
            Decision = NonEmpty(parse.GetValue(Decision)),
            SessionId = NonEmpty(parse.GetValue(Session)),
            Since = since,
            Until = until,
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
