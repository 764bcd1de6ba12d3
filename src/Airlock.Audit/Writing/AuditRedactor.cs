using Airlock.Masking;

namespace Airlock.Audit;

/// <summary>
/// Secrets never enter the trail. Every free-text field (statement text, error, detail values) goes
/// through the masking engine's detectors (keys, tokens, passwords in key=value and URLs, cards…) before
/// the event is serialized, whatever the caller already did. Structured fields (user, resource, rule) are
/// names, not data.
/// </summary>
internal sealed class AuditRedactor(MaskingEngine engine)
{
    public AuditEvent Redact(AuditEvent e)
    {
        var text = Mask(e.Text);
        var error = Mask(e.Error);
        var detail = e.Detail;
        if (detail is { Count: > 0 })
        {
            var masked = new Dictionary<string, string>(detail.Count, StringComparer.Ordinal);
            foreach (var (key, value) in detail)
            {
                masked[key] = engine.Mask(value);
            }

            detail = masked;
        }

        return ReferenceEquals(text, e.Text) && ReferenceEquals(error, e.Error) && ReferenceEquals(detail, e.Detail)
            ? e
            : e with { Text = text, Error = error, Detail = detail };
    }

    private string? Mask(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        var masked = engine.Mask(value);
        return string.Equals(masked, value, StringComparison.Ordinal) ? value : masked;
    }
}
