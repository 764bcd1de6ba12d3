using System.Text;
using System.Text.Json;
using Airlock.Masking;

namespace Airlock.Benchmarks.Masking;

/// <summary>
/// Checks, before anything is timed, that the engine masks what was planted: a broken engine that finds
/// nothing would otherwise look very fast. A planted value counts only if the catalog has a detector for
/// its type; findings beyond the planted values are reported, not failed on (they are precision, not
/// speed).
/// </summary>
internal static class MaskingChecks
{
    public static void Log(MaskingEngine engine, LabelledText log)
    {
        var detected = MaskingWorkload.DetectedTypes();
        var expected = log.Labels.Where(l => l.Sensitive && detected.Contains(l.Type)).ToList();
        var findings = engine.Find(log.Text);
        var missed = expected.Where(l => !findings.Any(f => f.Start < l.End && l.Start < f.End)).ToList();
        if (missed.Count > 0)
        {
            var sample = string.Join("; ", missed.Take(5).Select(l => $"{l.Type} '{log.Text.Substring(l.Start, l.Length)}'"));
            throw new InvalidOperationException($"log: {missed.Count} of {expected.Count} planted values not found, e.g. {sample}");
        }

        var masked = engine.Mask(log.Text);
        var leaked = expected.Count(l => masked.Contains(log.Text.AsSpan(l.Start, l.Length), StringComparison.Ordinal));
        if (leaked > 0)
        {
            throw new InvalidOperationException($"log: {leaked} planted values still in the masked text");
        }

        var extra = findings.Where(f => !log.Labels.Any(l => l.Sensitive && f.Start < l.End && l.Start < f.End)).ToList();
        Console.WriteLine($"// masking check: log {log.Text.Length:N0} chars, {findings.Count} findings, {expected.Count} planted (all found), "
            + $"{extra.Count} beyond the planted values: {string.Join(", ", extra.GroupBy(f => f.Detector, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}");
    }

    public static void Stream(MaskingEngine engine, string text)
    {
        var whole = engine.Mask(text);
        var output = new StringWriter();
        using (var stream = engine.CreateStream(output))
        {
            for (var i = 0; i < text.Length; i += 4096)
            {
                stream.Write(text.AsSpan(i, Math.Min(4096, text.Length - i)));
            }
        }

        if (!string.Equals(output.ToString(), whole, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("stream: the streamed output differs from masking the whole text");
        }
    }

    public static void Table(ColumnMasker[] maskers, string?[][] rows, int planted)
    {
        var detected = MaskingWorkload.DetectedTypes();
        var changed = new int[maskers.Length];
        foreach (var row in rows)
        {
            for (var c = 0; c < maskers.Length; c++)
            {
                if (row[c] is { } value && !ReferenceEquals(maskers[c].Mask(value), value))
                {
                    changed[c]++;
                }
            }
        }

        var email = Array.IndexOf(TableCorpus.Columns, "email");
        var card = Array.IndexOf(TableCorpus.Columns, "card_number");
        if (!maskers[email].MasksWholeValues || !maskers[card].MasksWholeValues || changed[email] != rows.Length || changed[card] != rows.Length)
        {
            throw new InvalidOperationException($"table: email and card_number should be masked whole in all {rows.Length} rows; {changed[email]} and {changed[card]} were");
        }

        var inText = changed[Array.IndexOf(TableCorpus.Columns, "note")] + changed[Array.IndexOf(TableCorpus.Columns, "comment")];
        var expected = detected.Contains(EntityTypes.Email) && detected.Contains(EntityTypes.Phone) ? planted : 0;
        if (inText < expected)
        {
            throw new InvalidOperationException($"table: {inText} notes and comments masked, {expected} planted");
        }

        Console.WriteLine($"// masking check: table {rows.Length:N0} rows, values changed per column: "
            + string.Join(", ", TableCorpus.Columns.Select((name, c) => $"{name} {changed[c]}")) + $" ({planted} planted in free text)");
    }

    public static void Json(MaskingEngine engine, byte[] json, int sensitiveKeys, int planted)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        if (!JsonMasker.TryMask(engine, json, output))
        {
            throw new InvalidOperationException("json: the document was rejected as invalid");
        }

        using var before = JsonDocument.Parse(json);
        using var after = JsonDocument.Parse(output.WrittenMemory);
        var keys = 0;
        var notes = 0;
        var orders = before.RootElement.GetProperty("orders");
        var masked = after.RootElement.GetProperty("orders");
        for (var i = 0; i < orders.GetArrayLength(); i++)
        {
            foreach (var key in (string[])["email", "phone"])
            {
                keys += orders[i].GetProperty("customer").GetProperty(key).GetString() != masked[i].GetProperty("customer").GetProperty(key).GetString() ? 1 : 0;
            }

            notes += orders[i].GetProperty("note").GetString() != masked[i].GetProperty("note").GetString() ? 1 : 0;
        }

        var expectedNotes = MaskingWorkload.DetectedTypes().Contains(EntityTypes.Email) ? planted : 0;
        if (keys != sensitiveKeys || notes < expectedNotes)
        {
            throw new InvalidOperationException($"json: {keys} of {sensitiveKeys} sensitive keys and {notes} of {expectedNotes} notes masked");
        }

        Console.WriteLine($"// masking check: json {json.Length:N0} bytes, {keys} values under sensitive keys and {notes} notes masked ({planted} planted); {Encoding.UTF8.GetString(output.WrittenSpan[..Math.Min(160, output.WrittenCount)])}…");
    }
}
