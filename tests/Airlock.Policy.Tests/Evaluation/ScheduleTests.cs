using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;
using Airlock.Sql;

namespace Airlock.Policy.Tests.Evaluation;

/// <summary>
/// Weekly windows in IANA zones. Dates used: 2026-03-02 is a Monday; Europe/Berlin moves to summer
/// time on Sunday 2026-03-29 at 01:00 UTC and back on Sunday 2026-10-25 at 01:00 UTC.
/// </summary>
public sealed class ScheduleTests
{
    private const byte MonToFri = 0b0111110;

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void The_calendar_the_tests_rely_on_is_right()
    {
        Assert.Equal(DayOfWeek.Monday, Utc(3, 2, 0).DayOfWeek);
        Assert.Equal(DayOfWeek.Sunday, Utc(3, 29, 0).DayOfWeek);
        Assert.Equal(DayOfWeek.Sunday, Utc(10, 25, 0).DayOfWeek);
        Assert.Equal(TimeSpan.FromHours(1), Berlin.GetUtcOffset(Utc(3, 29, 0, 59)));
        Assert.Equal(TimeSpan.FromHours(2), Berlin.GetUtcOffset(Utc(3, 29, 1)));
    }

    [Theory]
    [InlineData(3, 2, 9, 0, true)]    // Monday 09:00, the first minute
    [InlineData(3, 2, 8, 59, false)]
    [InlineData(3, 6, 17, 59, true)]  // Friday, the last minute
    [InlineData(3, 6, 18, 0, false)]  // the end is exclusive
    [InlineData(3, 7, 12, 0, false)]  // Saturday
    [InlineData(3, 8, 12, 0, false)]  // Sunday
    public void A_daytime_window_holds_on_its_days_from_start_to_before_end(int month, int day, int hour, int minute, bool inside)
    {
        var schedule = new Schedule(MonToFri, 9 * 60, 18 * 60, TimeZoneInfo.Utc, "mon-fri 09:00-18:00 UTC");

        Assert.Equal(inside, schedule.Contains(Utc(month, day, hour, minute)));
    }

    [Theory]
    [InlineData(3, 6, 22, 0, true)]   // Friday 22:00: Friday's window opens
    [InlineData(3, 6, 21, 59, false)]
    [InlineData(3, 7, 5, 59, true)]   // Saturday morning still belongs to Friday's window
    [InlineData(3, 7, 6, 0, false)]
    [InlineData(3, 7, 23, 0, false)]  // Saturday evening: no Saturday window
    [InlineData(3, 8, 23, 0, false)]  // Sunday evening: no Sunday window
    [InlineData(3, 9, 5, 0, false)]   // Monday morning belongs to Sunday's window, which does not exist
    [InlineData(3, 9, 22, 30, true)]  // Monday evening
    [InlineData(3, 10, 3, 0, true)]   // Tuesday 03:00 belongs to Monday's window
    [InlineData(3, 4, 12, 0, false)]  // midday is outside a night window
    public void An_overnight_window_belongs_to_the_day_it_starts_on(int month, int day, int hour, int minute, bool inside)
    {
        var schedule = new Schedule(MonToFri, 22 * 60, 6 * 60, TimeZoneInfo.Utc, "mon-fri 22:00-06:00 UTC");

        Assert.True(schedule.Overnight);
        Assert.Equal(inside, schedule.Contains(Utc(month, day, hour, minute)));
    }

    [Fact]
    public void An_overnight_window_wraps_from_saturday_into_sunday()
    {
        var saturday = new Schedule(1 << (int)DayOfWeek.Saturday, 20 * 60, 4 * 60, TimeZoneInfo.Utc, "sat 20:00-04:00 UTC");

        Assert.True(saturday.Contains(Utc(3, 8, 3, 0)));   // Sunday 03:00
        Assert.False(saturday.Contains(Utc(3, 9, 3, 0)));  // Monday 03:00
        Assert.True(saturday.Contains(Utc(3, 7, 21, 0)));  // Saturday 21:00

        var sunday = new Schedule(1 << (int)DayOfWeek.Sunday, 20 * 60, 4 * 60, TimeZoneInfo.Utc, "sun 20:00-04:00 UTC");
        Assert.True(sunday.Contains(Utc(3, 9, 3, 0)));     // Monday 03:00 belongs to Sunday
        Assert.False(sunday.Contains(Utc(3, 8, 3, 0)));    // Sunday 03:00 belongs to Saturday
    }

    [Fact]
    public void The_same_utc_instant_is_inside_in_summer_and_outside_in_winter()
    {
        var office = new Schedule(MonToFri, 9 * 60, 17 * 60, Berlin, "mon-fri 09:00-17:00 Europe/Berlin");

        // 07:30 UTC is 08:30 in Berlin in winter (UTC+1) and 09:30 in summer (UTC+2).
        Assert.False(office.Contains(Utc(1, 14, 7, 30)));
        Assert.True(office.Contains(Utc(7, 15, 7, 30)));

        // 15:30 UTC is 16:30 in winter and 17:30 in summer.
        Assert.True(office.Contains(Utc(1, 14, 15, 30)));
        Assert.False(office.Contains(Utc(7, 15, 15, 30)));
    }

    [Fact]
    public void A_window_inside_the_spring_forward_gap_never_opens()
    {
        var gap = new Schedule(1 << (int)DayOfWeek.Sunday, 2 * 60, 3 * 60, Berlin, "sun 02:00-03:00 Europe/Berlin");

        for (var minute = 0; minute < 24 * 60; minute += 5)
        {
            Assert.False(gap.Contains(Utc(3, 29, 0).AddMinutes(minute)), $"{minute} minutes after midnight UTC");
        }

        Assert.True(gap.Contains(Utc(3, 22, 1, 30))); // a week earlier, 02:30 CET exists
    }

    [Fact]
    public void A_window_inside_the_fall_back_hour_is_open_twice()
    {
        var repeated = new Schedule(1 << (int)DayOfWeek.Sunday, 2 * 60, 3 * 60, Berlin, "sun 02:00-03:00 Europe/Berlin");

        Assert.True(repeated.Contains(Utc(10, 25, 0, 30)));  // 02:30 CEST
        Assert.True(repeated.Contains(Utc(10, 25, 1, 30)));  // 02:30 CET, an hour later
        Assert.False(repeated.Contains(Utc(10, 25, 2, 30))); // 03:30 CET
        Assert.False(repeated.Contains(Utc(10, 24, 23, 59))); // 01:59 CEST
    }

    [Fact]
    public void An_end_of_24_00_runs_to_midnight()
    {
        var evening = new Schedule(0x7F, 18 * 60, 24 * 60, TimeZoneInfo.Utc, "every day 18:00-24:00 UTC");

        Assert.False(evening.Overnight);
        Assert.True(evening.Contains(Utc(3, 4, 23, 59)));
        Assert.False(evening.Contains(Utc(3, 5, 0, 0)));
        Assert.False(evening.Contains(Utc(3, 4, 17, 59)));
    }

    [Fact]
    public void Schedules_in_policy_decide_with_the_request_time()
    {
        var snapshot = Compile("""
            rules:
              - id: office-hours
                allow: { resources: [db], sql: [ddl], schedule: { days: mon-fri, hours: "09:00-17:00", timezone: Europe/Berlin } }
              - id: weekend-nights
                allow: { resources: [db-staging], sql: [ddl], schedule: { days: [fri-mon], hours: "22:00-06:00", timezone: America/New_York } }
              - id: weekends-all-day
                allow: { resources: [api], schedule: { days: "sat, sun", timezone: UTC } }
            """);
        var ddl = PolicyAction.Sql(StatementKind.Ddl, []);
        var alice = Who("alice");

        Assert.True(snapshot.Decide(alice, "db", ddl, at: Utc(1, 14, 7, 30)).IsDefaultDeny);
        Assert.Equal("office-hours", snapshot.Decide(alice, "db", ddl, at: Utc(7, 15, 7, 30)).DecidingRuleId);

        // New York is UTC-5 in March before the 8th: Saturday 03:00 UTC is Friday 22:00 there.
        Assert.Equal("weekend-nights", snapshot.Decide(alice, "db-staging", ddl, at: Utc(3, 7, 3, 0)).DecidingRuleId);
        Assert.True(snapshot.Decide(alice, "db-staging", ddl, at: Utc(3, 7, 2, 59)).IsDefaultDeny);

        // fri-mon wraps the week: Monday night's window runs into Tuesday, Tuesday night's does not exist.
        Assert.Equal("weekend-nights", snapshot.Decide(alice, "db-staging", ddl, at: Utc(3, 10, 8, 0)).DecidingRuleId);
        Assert.True(snapshot.Decide(alice, "db-staging", ddl, at: Utc(3, 11, 8, 0)).IsDefaultDeny);

        Assert.Equal("weekends-all-day", snapshot.Decide(alice, "api", PolicyAction.Http("GET", "/"), at: Utc(3, 7, 0, 0)).DecidingRuleId);
        Assert.True(snapshot.Decide(alice, "api", PolicyAction.Http("GET", "/"), at: Utc(3, 6, 23, 59)).IsDefaultDeny);
    }

    [Fact]
    public void A_schedule_is_read_into_days_minutes_zone_and_text()
    {
        var snapshot = Compile("""
            rules:
              - id: r1
                allow: { resources: [db], schedule: { days: "mon-wed, fri", hours: "8:30-19:00", timezone: Europe/Berlin } }
            """);

        var schedule = snapshot.RulesById["r1"].Definition.Conditions.Schedule!;

        Assert.Equal(0b0101110, schedule.DaysMask);
        Assert.Equal((8 * 60) + 30, schedule.StartMinute);
        Assert.Equal(19 * 60, schedule.EndMinute);
        Assert.Equal("Europe/Berlin", schedule.TimeZone.Id);
        Assert.Equal("mon-wed, fri 8:30-19:00 Europe/Berlin", schedule.ToString());
    }

    [Theory]
    [InlineData("{ hours: \"09:00-17:00\" }", PolicyErrors.MissingKey)]
    [InlineData("{ days: mon-funday, timezone: UTC }", PolicyErrors.BadSchedule)]
    [InlineData("{ days: mon-tue-wed, timezone: UTC }", PolicyErrors.BadSchedule)]
    [InlineData("{ days: [], timezone: UTC }", PolicyErrors.BadSchedule)]
    [InlineData("{ hours: \"9-17\", timezone: UTC }", PolicyErrors.BadSchedule)]
    [InlineData("{ hours: \"09:00-09:00\", timezone: UTC }", PolicyErrors.BadSchedule)]
    [InlineData("{ hours: \"24:00-06:00\", timezone: UTC }", PolicyErrors.BadSchedule)]
    [InlineData("{ hours: \"09:00-24:30\", timezone: UTC }", PolicyErrors.BadSchedule)]
    [InlineData("{ hours: \"09:60-10:00\", timezone: UTC }", PolicyErrors.BadSchedule)]
    [InlineData("{ hours: \"09:00\", timezone: UTC }", PolicyErrors.BadSchedule)]
    [InlineData("{ timezone: Central European Time }", PolicyErrors.BadTimeZone)]
    [InlineData("{ timezone: CET }", PolicyErrors.BadTimeZone)]
    [InlineData("{ timezone: \"../../../etc/passwd\" }", PolicyErrors.BadTimeZone)]
    [InlineData("{ timezone: Europe/Atlantis }", PolicyErrors.BadTimeZone)]
    public void Schedules_that_cannot_be_read_are_reported(string schedule, string id)
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("rules.yaml", $"rules:\n  - id: r1\n    allow: {{ resources: [db], schedule: {schedule} }}\n"));

        var result = bundle.Load();

        Assert.Equal(id, Assert.Single(result.Diagnostics).Id);
        Assert.Equal(3, result.Diagnostics[0].Location.Line);
    }
}
