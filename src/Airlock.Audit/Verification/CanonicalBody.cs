using System.Globalization;
using System.Text.Json;

namespace Airlock.Audit;

/// <summary>
/// Reads a stored event body strictly and proves that it is exactly the canonical form that
/// <see cref="AuditEventJson.Serialize"/> writes: the fields are read into an event, the event is serialized
/// again, and the bytes must be equal. So a body that parses but says something else to another reader is
/// refused: a duplicate key (readers disagree on which value wins), data after the object (an export line
/// would carry it), an unknown field, other escapes (<c>\u0061</c> for <c>a</c>), other number forms
/// (<c>1.0</c>, <c>1e0</c>), whitespace, or another field order.
/// </summary>
public static class CanonicalBody
{
    private static readonly string[] Fields =
    [
        "v", "seq", "id", "time", "kind", "session", "intent_seq", "user", "groups", "mfa", "resource", "client", "action", "text",
        "statement_kind", "tables", "decision", "rule", "policy_revision", "rows", "masked", "duration_us", "outcome", "error_code", "error", "detail",
    ];

    /// <summary>The event in <paramref name="body"/>, or the stable id (AL0728 unreadable, AL0737 not canonical) and why not.</summary>
    public static CanonicalRead Read(ReadOnlySpan<byte> body)
    {
        StoredAuditEvent stored;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Unreadable("it is not a JSON object");
            }

            var parsed = new Parsed();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                var index = Array.IndexOf(Fields, name);
                if (index < 0)
                {
                    return NotCanonical($"it has a field \"{Printable(name)}\" that no event has");
                }

                if ((parsed.Seen & (1UL << index)) != 0)
                {
                    return NotCanonical($"the key \"{name}\" appears twice (readers disagree on which value counts)");
                }

                parsed.Seen |= 1UL << index;
                reader.Read();
                if (parsed.Set(name, ref reader) is { } problem)
                {
                    return problem;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return Unreadable("the JSON object is not closed");
            }

            if (reader.BytesConsumed != body.Length)
            {
                return NotCanonical(string.Create(CultureInfo.InvariantCulture, $"{body.Length - reader.BytesConsumed} bytes follow the event's JSON object (an export would carry them as another line)"));
            }

            if (parsed.Missing() is { } missing)
            {
                return Unreadable($"it has no \"{missing}\" field");
            }

            if (parsed.Version != AuditEventJson.Version)
            {
                return Unreadable(string.Create(CultureInfo.InvariantCulture, $"its format version is {parsed.Version}, not {AuditEventJson.Version}"));
            }

            stored = new StoredAuditEvent(parsed.Seq, parsed.Id, parsed.ToEvent());
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            // Truncated JSON, a syntax error, invalid UTF-8, a value of the wrong JSON type.
            return Unreadable($"it is not valid event JSON ({ex.GetType().Name}: {ex.Message})");
        }

        var canonical = AuditEventJson.Serialize(stored.Event, stored.Seq, stored.Id);
        if (!canonical.AsSpan().SequenceEqual(body))
        {
            var at = body.CommonPrefixLength(canonical);
            return NotCanonical(string.Create(CultureInfo.InvariantCulture, $"it differs from its canonical form from byte {at} on (other escapes, number forms, whitespace, field order, or an empty or null field)"));
        }

        return new CanonicalRead(stored, null, null);
    }

    private static CanonicalRead Unreadable(string why) => new(null, AuditErrors.UnreadableEvent, why);

    private static CanonicalRead NotCanonical(string why) => new(null, AuditErrors.NotCanonical, why);

    /// <summary>A field name from the store, safe to print: control characters shown as '?', and cut short.</summary>
    private static string Printable(string name)
    {
        var shown = new string([.. name.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);
        return name.Length > 40 ? shown + "…" : shown;
    }

    /// <summary>The fields read so far. Values of another JSON type throw (unreadable); integers in another form are not canonical.</summary>
    private sealed class Parsed
    {
        public ulong Seen { get; set; }

        public long Version { get; private set; }

        public long Seq { get; private set; }

        public Guid Id { get; private set; }

        private DateTimeOffset _time;
        private string? _kind, _session, _user, _resource, _client, _action, _text, _statementKind, _decision, _rule, _policyRevision, _outcome, _errorCode, _error;
        private long? _intentSeq, _rows, _duration;
        private bool? _mfa;
        private List<string>? _groups, _tables;
        private Dictionary<string, long>? _masked;
        private Dictionary<string, string>? _detail;

        public CanonicalRead? Set(string name, ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                // The writer omits an absent field; a null says the same to one reader and something else to another.
                return NotCanonical($"\"{name}\" is null (the writer omits absent fields)");
            }

            switch (name)
            {
                case "v": return Integer(ref reader, name, v => Version = v);
                case "seq": return Integer(ref reader, name, v => Seq = v);
                case "id":
                    if (!Guid.TryParseExact(reader.GetString(), "D", out var id))
                    {
                        return Unreadable("its id is not a UUID");
                    }

                    Id = id;
                    return null;
                case "time":
                    _time = DateTimeOffset.ParseExact(reader.GetString()!, AuditEventJson.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                    return null;
                case "kind": _kind = reader.GetString(); return null;
                case "session": _session = reader.GetString(); return null;
                case "intent_seq": return Integer(ref reader, name, v => _intentSeq = v);
                case "user": _user = reader.GetString(); return null;
                case "groups": _groups = Strings(ref reader); return null;
                case "mfa": _mfa = reader.GetBoolean(); return null;
                case "resource": _resource = reader.GetString(); return null;
                case "client": _client = reader.GetString(); return null;
                case "action": _action = reader.GetString(); return null;
                case "text": _text = reader.GetString(); return null;
                case "statement_kind": _statementKind = reader.GetString(); return null;
                case "tables": _tables = Strings(ref reader); return null;
                case "decision": _decision = reader.GetString(); return null;
                case "rule": _rule = reader.GetString(); return null;
                case "policy_revision": _policyRevision = reader.GetString(); return null;
                case "rows": return Integer(ref reader, name, v => _rows = v);
                case "masked": return Map(ref reader, name, out _masked, (ref Utf8JsonReader r) => r.TryGetInt64(out var n) ? n : throw new FormatException("a masked count is not a plain integer"));
                case "duration_us": return Integer(ref reader, name, v => _duration = v);
                case "outcome": _outcome = reader.GetString(); return null;
                case "error_code": _errorCode = reader.GetString(); return null;
                case "error": _error = reader.GetString(); return null;
                default: return Map(ref reader, name, out _detail, (ref Utf8JsonReader r) => r.GetString() ?? throw new FormatException("a detail value is null"));
            }
        }

        /// <summary>The first of the fields every event has (v, seq, id, time, kind) that is absent or null.</summary>
        public string? Missing()
        {
            for (var i = 0; i < 5; i++)
            {
                if ((Seen & (1UL << i)) == 0)
                {
                    return Fields[i];
                }
            }

            return _kind is null ? "kind" : null;
        }

        public AuditEvent ToEvent() => new()
        {
            Kind = _kind!,
            Time = _time,
            SessionId = _session,
            IntentSeq = _intentSeq,
            User = _user,
            Groups = _groups,
            Mfa = _mfa,
            Resource = _resource,
            Client = _client,
            ActionType = _action,
            Text = _text,
            StatementKind = _statementKind,
            Tables = _tables,
            Decision = _decision,
            Rule = _rule,
            PolicyRevision = _policyRevision,
            Rows = _rows,
            Masked = _masked,
            DurationMicros = _duration,
            Outcome = _outcome,
            ErrorCode = _errorCode,
            Error = _error,
            Detail = _detail,
        };

        private static CanonicalRead? Integer(ref Utf8JsonReader reader, string name, Action<long> set)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw new FormatException($"\"{name}\" is not a number");
            }

            if (!reader.TryGetInt64(out var value))
            {
                return NotCanonical($"\"{name}\" is not written as a plain integer");
            }

            set(value);
            return null;
        }

        private static List<string> Strings(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new FormatException("a list field is not an array");
            }

            var values = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                values.Add(reader.GetString() ?? throw new FormatException("a list holds null"));
            }

            return values;
        }

        private delegate T ValueReader<out T>(ref Utf8JsonReader reader);

        private static CanonicalRead? Map<T>(ref Utf8JsonReader reader, string field, out Dictionary<string, T>? map, ValueReader<T> read)
        {
            map = null;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException($"\"{field}\" is not an object");
            }

            var values = new Dictionary<string, T>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                if (!values.TryAdd(key, read(ref reader)))
                {
                    return NotCanonical($"the key \"{Printable(key)}\" appears twice in \"{field}\"");
                }
            }

            map = values;
            return null;
        }
    }
}

/// <summary>The result of <see cref="CanonicalBody.Read"/>: the event, or the error id and reason.</summary>
public sealed record CanonicalRead(StoredAuditEvent? Event, string? ErrorId, string? Reason);
