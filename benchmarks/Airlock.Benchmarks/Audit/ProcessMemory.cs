using System.Globalization;

namespace Airlock.Benchmarks.Audit;

/// <summary>Resident and peak resident memory of this process, and machine-wide CPU time, from /proc (Linux).</summary>
internal static class ProcessMemory
{
    /// <summary>VmRSS in bytes.</summary>
    public static long Resident() => Status("VmRSS:");

    /// <summary>VmHWM ("high water mark", the peak working set) in bytes.</summary>
    public static long Peak() => Status("VmHWM:");

    /// <summary>Resets VmHWM to the current RSS (writing 5 to /proc/self/clear_refs, Linux 4.0+). False if refused.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Busy and total jiffies of all CPUs (first line of /proc/stat; busy excludes idle and iowait).</summary>
    public static (long Busy, long Total) CpuTimes()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum(); // user nice system idle iowait irq softirq steal
        return (total - fields[3] - fields[4], total);
    }

    /// <summary>Bytes this process passed to write(2) and friends, and the number of such calls (/proc/self/io wchar, syscw).</summary>
    public static (long Bytes, long Calls) Written()
    {
        long bytes = 0, calls = 0;
        foreach (var line in File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith("wchar:", StringComparison.Ordinal))
            {
                bytes = long.Parse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("syscw:", StringComparison.Ordinal))
            {
                calls = long.Parse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture);
            }
        }

        return (bytes, calls);
    }

    /// <summary>Context switches (voluntary + involuntary) summed over the threads alive now (/proc/self/task/*/status).</summary>
    public static long ContextSwitches()
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                // The thread ended while we read.
            }
        }

        return total;
    }

    public static double MiB(long bytes) => bytes / 1024.0 / 1024.0;

    private static long Status(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
