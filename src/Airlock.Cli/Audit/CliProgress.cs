namespace Airlock.Cli.Audit;

/// <summary>
/// Progress of a long command on standard error, at most about once a second. On a terminal one line is
/// rewritten in place and erased at the end; elsewhere (with <c>--progress</c>) each update is its own
/// line, and so is the final count. Disabled, it prints nothing: standard output stays the result alone.
/// </summary>
internal sealed class CliProgress : IProgress<long>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly Func<long, string> _format;
    private readonly bool _enabled;
    private readonly bool _terminal;
    private long _lastWrite;
    private int _lineLength;

    public CliProgress(CliContext context, bool requested, Func<long, string> format)
    {
        _error = context.Error;
        _time = context.Time;
        _format = format;
        _terminal = context.ErrorIsTerminal;
        _enabled = requested || _terminal;
        _lastWrite = _time.GetTimestamp();
    }

    public bool Enabled => _enabled;

    public void Report(long value)
    {
        if (!_enabled || _time.GetElapsedTime(_lastWrite) < Interval)
        {
            return;
        }

        _lastWrite = _time.GetTimestamp();
        var text = _format(value) + "…";
        if (_terminal)
        {
            _error.Write("\r" + text.PadRight(_lineLength));
            _lineLength = text.Length;
        }
        else
        {
            _error.WriteLine(text);
        }

        _error.Flush();
    }

    /// <summary>Erases the progress line on a terminal; elsewhere, with <c>--progress</c>, writes the final count.</summary>
    public void Complete(long value)
    {
        if (!_enabled)
        {
            return;
        }

        if (_terminal)
        {
            if (_lineLength > 0)
            {
                _error.Write("\r" + new string(' ', _lineLength) + "\r");
                _error.Flush();
            }
        }
        else
        {
            _error.WriteLine(_format(value));
        }
    }
}
