using System.Text;

namespace Airlock.Benchmarks.Masking;

/// <summary>A writer that keeps only the number of characters written: the stream benchmark times masking, not storing.</summary>
internal sealed class CountingWriter : TextWriter
{
    public long Count { get; set; }

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Count++;

    public override void Write(ReadOnlySpan<char> buffer) => Count += buffer.Length;

    public override void Write(char[] buffer, int index, int count) => Count += count;

    public override void Write(string? value) => Count += value?.Length ?? 0;
}
