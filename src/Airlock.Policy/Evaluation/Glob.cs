namespace Airlock.Policy.Evaluation;

/// <summary>
/// Allocation-free glob matching. <c>*</c> matches any run of characters and <c>?</c> one character.
/// For paths, <c>*</c> stays inside one segment and a <c>**</c> segment matches any number of segments.
/// </summary>
public static class Glob
{
    public static bool HasWildcards(string pattern) => pattern.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Matches a whole string. Linear in practice: the classic two-pointer walk with one backtrack point.</summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Matches a '/'-separated path segment by segment, with <c>**</c> spanning segments.</summary>
    public static bool IsPathMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> path)
    {
        int p = 0, t = 0, starP = -1, starT = -1;
        while (true)
        {
            if (p >= pattern.Length)
            {
                if (t >= path.Length)
                {
                    return true;
                }
            }
            else
            {
                var segment = Segment(pattern, p, out var nextP);
                if (segment is "**")
                {
                    starP = nextP;
                    starT = t;
                    p = nextP;
                    continue;
                }

                if (t < path.Length)
                {
                    var text = Segment(path, t, out var nextT);
                    if (IsMatch(segment, text))
                    {
                        p = nextP;
                        t = nextT;
                        continue;
                    }
                }
            }

            // Let the last ** swallow one more segment and try again from there.
            if (starP < 0 || starT >= path.Length)
            {
                return false;
            }

            Segment(path, starT, out starT);
            p = starP;
            t = starT;
        }
    }

    private static ReadOnlySpan<char> Segment(ReadOnlySpan<char> text, int start, out int next)
    {
        var rest = text[start..];
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            next = text.Length;
            return rest;
        }

        next = start + slash + 1;
        return rest[..slash];
    }
}
