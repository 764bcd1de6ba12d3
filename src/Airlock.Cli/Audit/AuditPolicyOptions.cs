using System.CommandLine;
using System.Globalization;
using Airlock.Audit;

namespace Airlock.Cli.Audit;

/// <summary>
/// What <c>verify</c> holds the trail to beyond the chain: the gateway's checkpoint policy (its
/// <c>audit.checkpoint</c> settings; the defaults are the gateway's), and what is known from outside the store.
/// </summary>
internal sealed class AuditPolicyOptions
{
    public Option<int?> EveryEvents { get; } = new("--checkpoint-every-events")
    {
        Description = "The gateway's audit.checkpoint.every_events (default 1000): with a key, more unsigned events than this after the last checkpoint fail (AL0733).",
        HelpName = "N",
    };

    public Option<string?> Interval { get; } = new("--checkpoint-interval")
    {
        Description = "The gateway's audit.checkpoint.every (default 10s): with a key, an event left unsigned longer than this plus the grace, before the newest event, fails (AL0734).",
        HelpName = "DURATION",
    };

    public Option<string?> Grace { get; } = new("--checkpoint-grace")
    {
        Description = "Slack on the interval for a busy store or clock skew between gateways (default 5s).",
        HelpName = "DURATION",
    };

    public Option<long?> ExpectSeq { get; } = new("--expect-seq")
    {
        Description = "The trail must reach at least this event (known from outside the store, e.g. an earlier verify or export): fewer fails (AL0739).",
        HelpName = "N",
    };

    public Option<string?> ExpectCheckpoint { get; } = new("--expect-checkpoint")
    {
        Description = "A checkpoint file from 'airlock audit checkpoint export', kept away from the store: the trail must reach it and agree with it (AL0739, AL0740).",
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        command.Add(EveryEvents);
        command.Add(Interval);
        command.Add(Grace);
        command.Add(ExpectSeq);
        command.Add(ExpectCheckpoint);
    }

    /// <summary>The verify options these flags give, with the gateway's defaults for those left out.</summary>
    /// <exception cref="CliUsageException">A value is out of range, or the checkpoint file cannot be read (AL0741).</exception>
    public AuditVerifyOptions ToOptions(ParseResult parse, CliContext context)
    {
        var defaults = AuditVerifyOptions.Default;
        var every = parse.GetValue(EveryEvents) ?? defaults.CheckpointEveryEvents;
        if (every < 1)
        {
            throw new CliUsageException("--checkpoint-every-events must be at least 1");
        }

        var expectSeq = parse.GetValue(ExpectSeq);
        if (expectSeq is < 0)
        {
            throw new CliUsageException("--expect-seq must not be negative");
        }

        return new AuditVerifyOptions
        {
            CheckpointEveryEvents = every,
            CheckpointInterval = parse.GetValue(Interval) is { } interval ? ParseDuration("--checkpoint-interval", interval) : defaults.CheckpointInterval,
            CheckpointGrace = parse.GetValue(Grace) is { } grace ? ParseDuration("--checkpoint-grace", grace) : defaults.CheckpointGrace,
            ExpectSeq = expectSeq,
            Time = context.Time,
            ExpectCheckpoint = parse.GetValue(ExpectCheckpoint) is { } file ? ReadCheckpoint(file) : null,
        };
    }

    /// <summary>A duration: a whole number and a unit, <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c> (<c>10s</c>, <c>500ms</c>).</summary>
    public static TimeSpan ParseDuration(string option, string text)
    {
        var trimmed = text.Trim();
        var (number, unit) = trimmed.EndsWith("ms", StringComparison.OrdinalIgnoreCase)
            ? (trimmed[..^2], TimeSpan.TicksPerMillisecond)
            : trimmed.Length > 1 ? (trimmed[..^1], char.ToLowerInvariant(trimmed[^1]) switch
            {
                's' => TimeSpan.TicksPerSecond,
                'm' => TimeSpan.TicksPerMinute,
                'h' => TimeSpan.TicksPerHour,
                _ => 0,
            }) : (trimmed, 0);
        return unit > 0 && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount <= TimeSpan.MaxValue.Ticks / unit
            ? TimeSpan.FromTicks(amount * unit)
            : throw new CliUsageException($"{option} '{text}' is not a duration: use a whole number and ms, s, m or h, such as 10s");
    }

    private static Store.AuditCheckpointRow ReadCheckpoint(string path)
    {
        try
        {
            return CheckpointFile.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new CliUsageException($"error {AuditErrors.BadExpectedCheckpoint}: --expect-checkpoint '{path}' cannot be used: {ex.Message}");
        }
    }
}
