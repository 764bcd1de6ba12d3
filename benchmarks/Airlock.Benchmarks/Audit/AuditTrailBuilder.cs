using Airlock.Audit;
using Airlock.Store;

namespace Airlock.Benchmarks.Audit;

/// <summary>Builds a trail of N events through <see cref="AuditTrail"/> with concurrent writers, ending with a checkpoint.</summary>
internal static class AuditTrailBuilder
{
    public static async Task<TimeSpan> BuildAsync(IAirlockStore store, AuditSigningKey key, long events, int writers, Action<long>? progress = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long next = 0;
        await using (var trail = new AuditTrail(store, key))
        {
            var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                long i;
                while ((i = Interlocked.Increment(ref next)) <= events)
                {
                    await trail.AppendAsync(AuditSample.Events[(int)(i & 63)]);
                    if (progress is not null && i % 100_000 == 0)
                    {
                        progress(i);
                    }
                }
            })).ToArray();
            await Task.WhenAll(tasks);
        }

        return clock.Elapsed;
    }
}
