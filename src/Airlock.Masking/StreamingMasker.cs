using System.Text;
using Airlock.Masking.Detection;

namespace Airlock.Masking;

/// <summary>
/// Masks text that arrives in chunks (command output, COPY data, log streams) in bounded memory, and
/// gets the same answer as masking the whole text at once: a value split across two chunks is still
/// found, because text is only emitted once no match can still reach into it.
/// </summary>
/// <remarks>
/// <code>
///  buffer: [ context | emit ............................. | hold (≥ longest match) ]
///           ^ already written, kept for detectors that look back for context keywords
/// </code>
/// After each scan, everything before the cut is masked and written; a finding that starts before the
/// cut is written whole, which moves the cut past it. The hold is as long as the longest match a
/// detector can make (a PEM block: 16 KB), so a value in it is found complete on a later pass.
/// </remarks>
public sealed class StreamingMasker : IDisposable
{
    /// <summary>Characters kept before the unwritten text so context rules ("phone: …") still see their keyword.</summary>
    private const int ContextLength = 64;

    private readonly MaskingEngine _engine;
    private readonly TextWriter _output;
    private readonly Action<StreamFinding>? _onFinding;
    private readonly MaskingCounts? _counts;
    private readonly int _hold;
    private readonly int _flushAt;
    private readonly List<Finding> _findings = [];
    private readonly StringBuilder _masked = new();
    private char[] _buffer;
    private int _length;

    /// <summary>How many characters at the start of the buffer were written already (context only).</summary>
    private int _context;

    /// <summary>The input offset of _buffer[_context].</summary>
    private long _offset;

    private bool _completed;

    internal StreamingMasker(MaskingEngine engine, TextWriter output, Action<StreamFinding>? onFinding, MaskingCounts? counts)
    {
        _engine = engine;
        _output = output;
        _onFinding = onFinding;
        _counts = counts;
        _hold = Math.Max(engine.MaxMatchLength, 256);
        _flushAt = Math.Max(64 * 1024, _hold * 4);
        _buffer = new char[_flushAt + _hold + ContextLength];
    }

    /// <summary>Characters read so far.</summary>
    public long InputLength => _offset + (_length - _context);

    public void Write(ReadOnlySpan<char> chunk)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        while (!chunk.IsEmpty)
        {
            var room = _buffer.Length - _length;
            var take = Math.Min(room, chunk.Length);
            chunk[..take].CopyTo(_buffer.AsSpan(_length));
            _length += take;
            chunk = chunk[take..];
            if (_length - _context >= _flushAt)
            {
                Process(final: false);
            }
        }
    }

    /// <summary>Masks and writes whatever is still held. Call once at the end of the input.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        Process(final: true);
        _completed = true;
        _output.Flush();
    }

    public void Dispose() => Complete();

    private void Process(bool final)
    {
        var text = _buffer.AsSpan(0, _length);
        var cut = final ? _length : _length - _hold;
        if (cut <= _context)
        {
            return;
        }

        _findings.Clear();
        _engine.Scan(text, _findings);

        // Keep the findings that start in the part being written; one that runs past the cut moves it.
        var first = -1;
        var last = 0;
        for (var i = 0; i < _findings.Count; i++)
        {
            var finding = _findings[i];
            if (finding.Start < _context)
            {
                continue; // written on an earlier pass
            }

            if (finding.Start >= cut)
            {
                break;
            }

            first = first < 0 ? i : first;
            last = i + 1;
            cut = Math.Max(cut, finding.End);
        }

        _masked.Clear();
        if (first < 0)
        {
            _masked.Append(text[_context..cut]);
        }
        else
        {
            // Offsets of findings are relative to the buffer; shift the written slice to start at the context end.
            var slice = text[_context..cut];
            for (var i = first; i < last; i++)
            {
                var f = _findings[i];
                _findings[i] = f with { Start = f.Start - _context };
                _onFinding?.Invoke(new StreamFinding(f.EntityType, _offset + (f.Start - _context), f.Length, f.Detector));
            }

            _engine.Apply(slice, _findings, first, last, _masked, _counts);
        }

        foreach (var chunk in _masked.GetChunks())
        {
            _output.Write(chunk.Span);
        }

        // Keep a little written text as context, and everything after the cut.
        _offset += cut - _context;
        var keepFrom = Math.Max(0, cut - ContextLength);
        var remaining = _length - keepFrom;
        Array.Copy(_buffer, keepFrom, _buffer, 0, remaining);
        _context = cut - keepFrom;
        _length = remaining;
        if (_buffer.Length - _length < _hold)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
    }
}

/// <summary>A finding in a stream: its offset counts characters from the start of the whole input.</summary>
public readonly record struct StreamFinding(string EntityType, long Start, int Length, string Detector);
