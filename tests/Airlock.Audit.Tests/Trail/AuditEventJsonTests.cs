using System.Text;

namespace Airlock.Audit.Tests.Trail;

/// <summary>The canonical form is a contract (hashes and SIEM parsers depend on it): these tests pin it.</summary>
public sealed class AuditEventJsonTests
{
    private static readonly Guid Id = Guid.Parse("0192a3b4-c5d6-7e8f-9012-3456789abcde");

    [Fact]
    public void Fields_come_in_one_fixed_order_with_absent_fields_omitted()
    {
        var e = new AuditEvent
        {
            Kind = AuditEventKinds.ActionOutcome,
            Time = new DateTimeOffset(2026, 11, 22, 6, 30, 0, TimeSpan.Zero),
            Detail = new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" },
            Masked = new Dictionary<string, long> { ["ssn"] = 1, ["email"] = 2 },
            Rows = 5,
            User = "alice",
            IntentSeq = 9,
        };

        var json = Encoding.UTF8.GetString(AuditEventJson.Serialize(e, 10, Id));

        Assert.Equal(
            """{"v":1,"seq":10,"id":"0192a3b4-c5d6-7e8f-9012-3456789abcde","time":"2026-11-22T06:30:00.000000Z","kind":"action.outcome","intent_seq":9,"user":"alice","rows":5,"masked":{"email":2,"ssn":1},"detail":{"a":"2","z":"1"}}""",
            json);
    }

    [Fact]
    public void The_same_event_serializes_to_the_same_bytes_whatever_the_map_order()
    {
        var a = new AuditEvent { Kind = "k", Masked = new Dictionary<string, long> { ["b"] = 1, ["a"] = 2 } };
        var b = new AuditEvent { Kind = "k", Masked = new Dictionary<string, long> { ["a"] = 2, ["b"] = 1 } };
        Assert.Equal(AuditEventJson.Serialize(a, 1, Id), AuditEventJson.Serialize(b, 1, Id));
    }

    [Fact]
    public void Every_field_round_trips()
    {
        var e = new AuditEvent
        {
            Kind = AuditEventKinds.ActionIntent,
            Time = new DateTimeOffset(2026, 11, 22, 6, 30, 0, TimeSpan.Zero).AddTicks(10),
            SessionId = "s",
            IntentSeq = 1,
            User = "u",
            Groups = ["g1", "g2"],
            Mfa = false,
            Resource = "r",
            Client = "1.2.3.4:5",
            ActionType = "sql",
            Text = "SELECT 1 -- \"quoted\" ünïcode",
            StatementKind = "select",
            Tables = ["public.t"],
            Decision = "allow",
            Rule = "rule",
            PolicyRevision = "rev",
            Rows = 2,
            Masked = new Dictionary<string, long> { ["email"] = 1 },
            DurationMicros = 3,
            Outcome = "ok",
            ErrorCode = "42501",
            Error = "e",
            Detail = new Dictionary<string, string> { ["k"] = "v" },
        };

        var back = AuditEventJson.Deserialize(AuditEventJson.Serialize(e, 7, Id));

        Assert.Equal(7, back.Seq);
        Assert.Equal(Id, back.Id);
        Assert.Equal(AuditEventJson.Serialize(e, 7, Id), AuditEventJson.Serialize(back.Event, 7, Id));
    }
}
