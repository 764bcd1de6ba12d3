using System.Numerics;

namespace Airlock.Benchmarks.Audit;

/// <summary>
/// A fixed-size log-linear histogram of nanoseconds (32 buckets per power of two, so a percentile is within
/// about 3%): one per writer, merged at the end, so recording neither allocates nor contends.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 5;
    private const int Sub = 1 << SubBits;
    private const int Linear = 2 * Sub;
    private readonly long[] _counts = new long[Linear + (64 * Sub)];

    public long Count { get; private set; }

    public void Record(long nanoseconds)
    {
        _counts[Index(Math.Max(0, nanoseconds))]++;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), in nanoseconds (the bucket's midpoint).</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= Math.Max(1, rank))
            {
                return Midpoint(i);
            }
        }

        return Midpoint(_counts.Length - 1);
    }

    private static int Index(long v)
    {
        if (v < Linear)
        {
            return (int)v;
        }

        var shift = 63 - BitOperations.LeadingZeroCount((ulong)v) - SubBits; // v >> shift is in [Sub, 2 Sub)
        return Linear + ((shift - 1) * Sub) + (int)((v >> shift) - Sub);
    }

    private static double Midpoint(int index)
    {
        if (index < Linear)
        {
            return index;
        }

        var shift = ((index - Linear) / Sub) + 1;
        var mantissa = ((index - Linear) % Sub) + Sub;
        return (mantissa + 0.5) * (1L << shift);
    }
}
