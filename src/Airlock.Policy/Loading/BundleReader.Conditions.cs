using System.Globalization;
using System.Text.RegularExpressions;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;
using Airlock.Policy.Yaml;

namespace Airlock.Policy.Loading;

internal sealed partial class BundleReader
{
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    /// <summary>Regexes in policy run on every decision: linear-time matching, and a timeout as a second guard.</summary>
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private RuleConditions ReadConditions(YamlMapping block) => new()
    {
        Schedule = block["schedule"] is { } s ? ReadSchedule(s) : null,
        MfaRequired = block["mfa"] is { } mfa && ReadMfa(mfa),
        ReasonRequired = block["reason"] is { } reason && ReadReasonRequired(reason),
        Ticket = block["ticket"] is { } ticket ? ReadRegex(ticket, "ticket") : null,
        Grant = block["grant"] is { } grant && Binder.String(grant, "grant") is { } name ? new NameReference(name, grant.Location) : null,
        UnlessGrant = block["unless_grant"] is { } unless && Binder.String(unless, "unless_grant") is { } unlessName ? new NameReference(unlessName, unless.Location) : null,
        MaxRows = block["max_rows"] is { } rows ? Binder.Integer(rows, "max_rows", 1, long.MaxValue) : null,
    };

    private bool ReadMfa(YamlNode node)
    {
        if (node is YamlScalar { Value: "required" })
        {
            return true;
        }

        return Binder.Bool(node, "mfa (required, true or false)") ?? false;
    }

    private bool ReadReasonRequired(YamlNode node)
    {
        switch (node)
        {
            case YamlScalar { Value: "required" }:
                return true;
            case YamlScalar { Value: "optional" }:
                return false;
            default:
                Binder.Report(PolicyErrors.InvalidValue, node.Location, "reason must be 'required' or 'optional'; to demand a ticket number, use 'ticket' with a pattern");
                return false;
        }
    }

    private RegexPattern? ReadRegex(YamlNode node, string what)
    {
        if (Binder.String(node, what) is not { } pattern)
        {
            return null;
        }

        try
        {
            // Compiled alone first, so an error names the pattern as written; then anchored to the whole text with
            // \A(?:…)\z. .NET's '$' also matches before a final newline, so '^INC-[0-9]+$' alone accepts
            // "INC-1\n"; \z does not. A pattern whose inline (?x) comment would swallow the closing ')' no longer
            // compiles anchored and is reported, never silently loosened.
            _ = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, RegexTimeout);
            var regex = new Regex(@"\A(?:" + pattern + @")\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, RegexTimeout);
            return new RegexPattern(pattern, regex);
        }
        catch (ArgumentException ex)
        {
            Binder.Report(PolicyErrors.BadRegex, node.Location, $"{what} pattern does not compile: {ex.Message}");
            return null;
        }
        catch (NotSupportedException ex)
        {
            // NonBacktracking refuses backreferences and lookarounds, which could otherwise run for exponential time.
            Binder.Report(PolicyErrors.BadRegex, node.Location, $"{what} pattern uses a construct that cannot run in linear time: {ex.Message}");
            return null;
        }
    }

    private Schedule? ReadSchedule(YamlNode node)
    {
        if (Binder.Mapping(node, "schedule") is not { } schedule)
        {
            return null;
        }

        Binder.CheckKeys(schedule, "schedule", "days", "hours", "timezone");
        if (schedule["timezone"] is not { } tzNode)
        {
            Binder.Report(PolicyErrors.MissingKey, schedule.Location, "schedule needs 'timezone', an IANA zone such as Europe/Berlin or UTC");
            return null;
        }

        var zone = ReadTimeZone(tzNode);
        var days = schedule["days"] is { } d ? ReadDays(d) : (byte)0x7F;
        var (start, end) = schedule["hours"] is { } h ? ReadHours(h) : (0, 24 * 60);
        if (zone is null || days is null || start < 0)
        {
            return null;
        }

        var text = $"{(schedule["days"] is { } dn ? DaysText(dn) : "every day")} {(schedule["hours"] is { } hn ? hn.AsText() : "all day")} {zone.Id}";
        return new Schedule(days.Value, start, end, zone, text);
    }

    private TimeZoneInfo? ReadTimeZone(YamlNode node)
    {
        if (Binder.String(node, "timezone") is not { } id)
        {
            return null;
        }

        try
        {
            // Only IANA names: Windows names would mean different things on different hosts.
            if (!id.Equals("UTC", StringComparison.Ordinal) && !id.Contains('/', StringComparison.Ordinal))
            {
                throw new TimeZoneNotFoundException();
            }

            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            Binder.Report(PolicyErrors.BadTimeZone, node.Location, $"'{id}' is not an IANA time zone; use a name such as Europe/Berlin, America/New_York or UTC");
            return null;
        }
    }

    private static string DaysText(YamlNode node) => node switch
    {
        YamlScalar scalar => scalar.Value,
        YamlSequence sequence => string.Join(",", sequence.Items.Select(i => i.AsText())),
        _ => string.Empty,
    };

    /// <summary>Days as <c>mon-fri</c>, <c>sat,sun</c>, or a list of such parts.</summary>
    private byte? ReadDays(YamlNode node)
    {
        var parts = node is YamlScalar { IsNull: false } scalar
            ? scalar.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [.. Binder.Strings(node, "days")];
        byte mask = 0;
        foreach (var part in parts)
        {
            var range = part.Split('-', StringSplitOptions.TrimEntries);
            var first = Array.IndexOf(DayNames, range[0].ToLowerInvariant());
            var last = range.Length == 2 ? Array.IndexOf(DayNames, range[1].ToLowerInvariant()) : first;
            if (range.Length > 2 || first < 0 || last < 0)
            {
                Binder.Report(PolicyErrors.BadSchedule, node.Location, $"days '{part}' is not a day or a range of days; write them like mon-fri or sat,sun");
                return null;
            }

            // A range may wrap the week: fri-mon is Friday to Monday.
            for (var day = first; ; day = (day + 1) % 7)
            {
                mask |= (byte)(1 << day);
                if (day == last)
                {
                    break;
                }
            }
        }

        if (mask == 0)
        {
            Binder.Report(PolicyErrors.BadSchedule, node.Location, "days is empty; the schedule would never apply");
            return null;
        }

        return mask;
    }

    /// <summary>Hours as <c>HH:MM-HH:MM</c>; the end may be 24:00, and an end before the start runs overnight.</summary>
    private (int Start, int End) ReadHours(YamlNode node)
    {
        var text = Binder.String(node, "hours");
        var parts = text?.Split('-', StringSplitOptions.TrimEntries);
        if (parts is { Length: 2 } && ParseClock(parts[0], out var start) && ParseClock(parts[1], out var end) && start < 24 * 60 && start != end)
        {
            return (start, end);
        }

        if (text is not null)
        {
            Binder.Report(PolicyErrors.BadSchedule, node.Location, $"hours '{text}' must look like 09:00-18:00 (24-hour clock; 22:00-06:00 runs overnight)");
        }

        return (-1, -1);
    }

    private static bool ParseClock(string text, out int minutes)
    {
        minutes = -1;
        var parts = text.Split(':');
        if (parts.Length != 2 || parts[0].Length is < 1 or > 2 || parts[1].Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minute)
            || minute > 59 || hour > 24 || (hour == 24 && minute != 0))
        {
            return false;
        }

        minutes = (hour * 60) + minute;
        return true;
    }
}
