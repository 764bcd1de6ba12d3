using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Airlock.Audit;

/// <summary>
/// The canonical serialization of an event: compact UTF-8 JSON, fields in one fixed order, absent fields
/// omitted, map keys sorted ordinally, times as <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>. The stored bytes are
/// what the chain hashes, and each export line is these bytes with the hash appended, so a SIEM can
/// check the chain itself. Field names are stable (docs/audit.md).
/// </summary>
public static class AuditEventJson
{
    /// <summary>The format version written in every event (<c>"v"</c>).</summary>
    public const int Version = 1;

    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static byte[] Serialize(AuditEvent e, long seq, Guid id)
    {
        ArgumentNullException.ThrowIfNull(e);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("v", Version);
            w.WriteNumber("seq", seq);
            w.WriteString("id", id.ToString("D"));
            w.WriteString("time", FormatTime(e.Time));
            w.WriteString("kind", e.Kind);
            String(w, "session", e.SessionId);
            Number(w, "intent_seq", e.IntentSeq);
            String(w, "user", e.User);
            Strings(w, "groups", e.Groups);
            if (e.Mfa is { } mfa)
            {
                w.WriteBoolean("mfa", mfa);
            }

            String(w, "resource", e.Resource);
            String(w, "client", e.Client);
            String(w, "action", e.ActionType);
            String(w, "text", e.Text);
            String(w, "statement_kind", e.StatementKind);
            Strings(w, "tables", e.Tables);
            String(w, "decision", e.Decision);
            String(w, "rule", e.Rule);
            String(w, "policy_revision", e.PolicyRevision);
            Number(w, "rows", e.Rows);
            if (e.Masked is { Count: > 0 } masked)
            {
                w.WriteStartObject("masked");
                foreach (var (entity, count) in masked.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteNumber(entity, count);
                }

                w.WriteEndObject();
            }

            Number(w, "duration_us", e.DurationMicros);
            String(w, "outcome", e.Outcome);
            String(w, "error_code", e.ErrorCode);
            String(w, "error", e.Error);
            if (e.Detail is { Count: > 0 } detail)
            {
                w.WriteStartObject("detail");
                foreach (var (key, value) in detail.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteString(key, value);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads a stored body back into an event (for display and search output).</summary>
    public static StoredAuditEvent Deserialize(ReadOnlySpan<byte> body)
    {
        using var document = JsonDocument.Parse(body.ToArray());
        var root = document.RootElement;
        string? S(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        long? N(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : null;
        IReadOnlyList<string>? L(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array ? [.. p.EnumerateArray().Select(x => x.GetString() ?? string.Empty)] : null;

        var e = new AuditEvent
        {
            Kind = S("kind") ?? string.Empty,
            Time = S("time") is { } t ? DateTimeOffset.ParseExact(t, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : default,
            SessionId = S("session"),
            IntentSeq = N("intent_seq"),
            User = S("user"),
            Groups = L("groups"),
            Mfa = root.TryGetProperty("mfa", out var mfa) && mfa.ValueKind is JsonValueKind.True or JsonValueKind.False ? mfa.GetBoolean() : null,
            Resource = S("resource"),
            Client = S("client"),
            ActionType = S("action"),
            Text = S("text"),
            StatementKind = S("statement_kind"),
            Tables = L("tables"),
            Decision = S("decision"),
            Rule = S("rule"),
            PolicyRevision = S("policy_revision"),
            Rows = N("rows"),
            Masked = root.TryGetProperty("masked", out var masked) && masked.ValueKind == JsonValueKind.Object
                ? masked.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal)
                : null,
            DurationMicros = N("duration_us"),
            Outcome = S("outcome"),
            ErrorCode = S("error_code"),
            Error = S("error"),
            Detail = root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Object
                ? detail.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal)
                : null,
        };
        return new StoredAuditEvent(N("seq") ?? 0, S("id") is { } id && Guid.TryParse(id, out var guid) ? guid : Guid.Empty, e);
    }

    private static void String(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
