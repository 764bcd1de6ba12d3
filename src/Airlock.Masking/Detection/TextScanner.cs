using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Airlock.Masking.Detection;

/// <summary>
/// Runs a set of detectors over text. One vectorized pass per trigger kind (SearchValues over the
/// keywords and for digits, IndexOf for '@' and ':') finds the few places worth a closer
/// look; only there do detectors run. Overlapping findings are resolved in favour of the one that starts
/// first, then the longer one.
/// </summary>
internal sealed class TextScanner
{
    /// <summary>
    /// Digits as SearchValues: on .NET 10, span IndexOfAnyInRange('0', '9') allocates 96 bytes a call
    /// (measured with GC.GetAllocatedBytesForCurrentThread), which this hot path cannot afford.
    /// </summary>
    internal static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    private readonly Detector[] _digit;
    private readonly int[] _digitMinimum;
    private readonly bool[] _digitAfterLetter;
    private readonly bool _anyAfterUpperLetter;
    private readonly Detector[] _at;
    private readonly Detector[] _colon;
    private readonly SearchValues<string>? _keywords;
    private readonly (string Keyword, Detector Detector)[] _keywordDetectors;

    /// <summary>The keyword detectors by the lower-cased first letter of their keyword, so a hit tries only its own few.</summary>
    private readonly Dictionary<char, (string Keyword, Detector Detector)[]> _keywordsByFirst;

    public TextScanner(IEnumerable<Detector> detectors)
    {
        var all = detectors.ToArray();
        _digit = [.. all.Where(d => d.Trigger == DetectorTrigger.Digit)];
        _digitMinimum = [.. _digit.Select(d => d.MinDigits)];
        _digitAfterLetter = [.. _digit.Select(d => d.AllowsLetterBefore)];
        _anyAfterUpperLetter = _digitAfterLetter.Any(a => a);
        _at = [.. all.Where(d => d.Trigger == DetectorTrigger.At)];
        _colon = [.. all.Where(d => d.Trigger == DetectorTrigger.Colon)];
        _keywordDetectors = [.. all.Where(d => d.Trigger == DetectorTrigger.Keyword).SelectMany(d => d.Keywords.Select(k => (k, d)))];
        _keywordsByFirst = _keywordDetectors.GroupBy(k => char.ToLowerInvariant(k.Keyword[0])).ToDictionary(g => g.Key, g => g.ToArray());
        var keywords = _keywordDetectors.Select(k => k.Keyword).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        _keywords = keywords.Length == 0 ? null : SearchValues.Create(keywords, StringComparison.OrdinalIgnoreCase);
        MaxLength = all.Length == 0 ? 0 : all.Max(d => d.MaxLength);
        Detectors = all;
    }

    public IReadOnlyList<Detector> Detectors { get; }

    /// <summary>The longest match any detector can produce.</summary>
    public int MaxLength { get; }

    /// <summary>Adds every finding in <paramref name="text"/> to <paramref name="findings"/>, sorted and without overlaps.</summary>
    public void Scan(ReadOnlySpan<char> text, List<Finding> findings)
    {
        var first = findings.Count;
        ScanKeywords(text, findings);
        ScanDigits(text, findings);
        ScanChar(text, '@', _at, findings);
        ScanChar(text, ':', _colon, findings);
        if (findings.Count - first > 1)
        {
            Resolve(findings, first);
        }
    }

    private void ScanKeywords(ReadOnlySpan<char> text, List<Finding> findings)
    {
        if (_keywords is null)
        {
            return;
        }

        var offset = 0;
        while (offset < text.Length)
        {
            var hit = text[offset..].IndexOfAny(_keywords);
            if (hit < 0)
            {
                return;
            }

            var index = offset + hit;
            var next = index + 1;
            var candidates = _keywordsByFirst.TryGetValue(char.ToLowerInvariant(text[index]), out var byFirst) ? byFirst : [];
            foreach (var (keyword, detector) in candidates)
            {
                if (text[index..].StartsWith(keyword, StringComparison.OrdinalIgnoreCase)
                    && detector.TryMatch(text, index, out var start, out var length))
                {
                    findings.Add(new Finding(detector.EntityType, start, length, detector.Name));
                    next = Math.Max(next, start + length);
                    break;
                }
            }

            offset = next;
        }
    }

    /// <summary>
    /// Visits every run of digits. Logs are full of short numbers and of digits inside hex ids and hashes,
    /// so the per-run work is kept to a scalar probe and a check of the character before: a run right after
    /// a letter reaches only detectors that allow it (IBAN, after an upper-case country code), and the
    /// digit count that gates the rest is worked out only when a detector needs it.
    /// </summary>
    private void ScanDigits(ReadOnlySpan<char> text, List<Finding> findings)
    {
        if (_digit.Length == 0)
        {
            return;
        }

        var i = 0;
        while (i < text.Length)
        {
            var index = NextNumberStart(text, i);
            if (index < 0)
            {
                return;
            }

            var runEnd = index + 1;
            while (runEnd < text.Length && char.IsAsciiDigit(text[runEnd]))
            {
                runEnd++;
            }

            var before = index > 0 ? text[index - 1] : ' ';
            var afterLetter = char.IsAsciiLetter(before);
            var next = runEnd;
            if (afterLetter)
            {
                // Inside a word (a hex id, a hash, a UUID part) no number can start later in the same word
                // either: every detector wants a word boundary or, for an IBAN, a country code that begins
                // the word. Skip the whole word.
                while (next < text.Length && char.IsAsciiLetterOrDigit(text[next]))
                {
                    next++;
                }
            }

            if (!afterLetter || (_anyAfterUpperLetter && char.IsAsciiLetterUpper(before)))
            {
                var digits = -1;
                for (var d = 0; d < _digit.Length; d++)
                {
                    if (afterLetter && !_digitAfterLetter[d])
                    {
                        continue;
                    }

                    if (_digitMinimum[d] > runEnd - index)
                    {
                        digits = digits < 0 ? CountDigits(text, index) : digits;
                        if (digits < _digitMinimum[d])
                        {
                            continue;
                        }
                    }

                    var detector = _digit[d];
                    if (detector.TryMatch(text, index, out var start, out var length))
                    {
                        findings.Add(new Finding(detector.EntityType, start, length, detector.Name));
                        next = Math.Max(start + length, index + 1);
                        break;
                    }
                }
            }

            i = next;
        }
    }

    /// <summary>
    /// The next digit at or after <paramref name="from"/> that can start a number: one not preceded by a
    /// digit or a lower-case letter. Digits inside hex ids, hashes and UUIDs, the bulk of the digits in
    /// logs, are passed over 32 characters at a time with AVX2 (16 with SSE2), never one by one. A digit
    /// after an upper-case letter is returned, since an IBAN's check digits follow its country code.
    /// </summary>
    internal static int NextNumberStart(ReadOnlySpan<char> text, int from)
    {
        ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        var i = from;
        if (i == 0 && text.Length > 0)
        {
            if (char.IsAsciiDigit(text[0]))
            {
                return 0;
            }

            i = 1;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var zero = Vector256.Create((ushort)'0');
            var nine = Vector256.Create((ushort)9);
            var a = Vector256.Create((ushort)'a');
            var z = Vector256.Create((ushort)25);
            for (; i + Vector256<ushort>.Count <= text.Length; i += Vector256<ushort>.Count)
            {
                var current = Vector256.LoadUnsafe(ref start, (nuint)i);
                var previous = Vector256.LoadUnsafe(ref start, (nuint)(i - 1));
                var digit = Vector256.LessThanOrEqual(current - zero, nine);
                var blocked = Vector256.LessThanOrEqual(previous - zero, nine) | Vector256.LessThanOrEqual(previous - a, z);
                var bits = Vector256.AndNot(digit, blocked).ExtractMostSignificantBits();
                if (bits != 0)
                {
                    return i + BitOperations.TrailingZeroCount(bits);
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var zero = Vector128.Create((ushort)'0');
            var nine = Vector128.Create((ushort)9);
            var a = Vector128.Create((ushort)'a');
            var z = Vector128.Create((ushort)25);
            for (; i + Vector128<ushort>.Count <= text.Length; i += Vector128<ushort>.Count)
            {
                var current = Vector128.LoadUnsafe(ref start, (nuint)i);
                var previous = Vector128.LoadUnsafe(ref start, (nuint)(i - 1));
                var digit = Vector128.LessThanOrEqual(current - zero, nine);
                var blocked = Vector128.LessThanOrEqual(previous - zero, nine) | Vector128.LessThanOrEqual(previous - a, z);
                var bits = Vector128.AndNot(digit, blocked).ExtractMostSignificantBits();
                if (bits != 0)
                {
                    return i + BitOperations.TrailingZeroCount(bits);
                }
            }
        }

        for (; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]) && !char.IsAsciiDigit(text[i - 1]) && !char.IsAsciiLetterLower(text[i - 1]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Digits in the number-like run starting at <paramref name="index"/>: digits, and separators between
    /// them (at most two in a row, so "(415) 555" counts as one run), up to the longest number a detector takes.
    /// </summary>
    private static int CountDigits(ReadOnlySpan<char> text, int index)
    {
        var digits = 0;
        var gap = 0;
        var end = Math.Min(text.Length, index + 48);
        for (var i = index; i < end; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
                gap = 0;
            }
            else if (c is ' ' or '-' or '.' or '/' or '(' or ')' && ++gap <= 2)
            {
                continue;
            }
            else
            {
                break;
            }
        }

        return digits;
    }

    private static void ScanChar(ReadOnlySpan<char> text, char trigger, Detector[] detectors, List<Finding> findings)
    {
        if (detectors.Length == 0)
        {
            return;
        }

        var offset = 0;
        while (offset < text.Length)
        {
            var hit = text[offset..].IndexOf(trigger);
            if (hit < 0)
            {
                return;
            }

            var index = offset + hit;
            var next = index + 1;
            foreach (var detector in detectors)
            {
                if (detector.TryMatch(text, index, out var start, out var length))
                {
                    findings.Add(new Finding(detector.EntityType, start, length, detector.Name));
                    next = Math.Max(next, start + length);
                    break;
                }
            }

            offset = next;
        }
    }

    /// <summary>Sorts the new findings by position and drops any that overlap an earlier, longer one.</summary>
    private static void Resolve(List<Finding> findings, int first)
    {
        findings.Sort(first, findings.Count - first, FindingOrder.Instance);
        var write = first;
        for (var read = first; read < findings.Count; read++)
        {
            var current = findings[read];
            if (write > first && current.Start < findings[write - 1].End)
            {
                var previous = findings[write - 1];
                if (current.End > previous.End && current.Length > previous.Length && current.Start == previous.Start)
                {
                    findings[write - 1] = current;
                }

                continue;
            }

            findings[write++] = current;
        }

        findings.RemoveRange(write, findings.Count - write);
    }

    private sealed class FindingOrder : IComparer<Finding>
    {
        public static FindingOrder Instance { get; } = new();

        public int Compare(Finding x, Finding y) => x.Start != y.Start ? x.Start.CompareTo(y.Start) : y.Length.CompareTo(x.Length);
    }
}
