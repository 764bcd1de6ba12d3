using System.Text;

namespace Airlock.Benchmarks.Masking;

/// <summary>Builds one labelled line: plain text, and values whose position is recorded as they are appended.</summary>
internal sealed class LineBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<Label> _labels = [];

    public LineBuilder Text(string text)
    {
        _text.Append(text);
        return this;
    }

    /// <summary>Appends a sensitive value of <paramref name="entityType"/>.</summary>
    public LineBuilder Pii(string entityType, string value) => Add(entityType, value, sensitive: true);

    /// <summary>Appends a value a masker should leave alone (timestamp, request id, order id, price).</summary>
    public LineBuilder Keep(string type, string value) => Add(type, value, sensitive: false);

    public LabelledText Build()
    {
        var line = new LabelledText(_text.ToString(), [.. _labels]);
        _text.Clear();
        _labels.Clear();
        return line;
    }

    private LineBuilder Add(string type, string value, bool sensitive)
    {
        _labels.Add(new Label(type, _text.Length, value.Length, sensitive));
        _text.Append(value);
        return this;
    }
}
