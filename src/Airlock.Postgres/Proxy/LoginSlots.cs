namespace Airlock.Postgres.Proxy;

/// <summary>
/// Counts connections that are in their startup and login, so that at most <see cref="Limit"/> hold memory
/// and a task before anyone knows who they are (issue 14, class I: unauthenticated connections were
/// unlimited). Lock-free: one increment to take a seat, one decrement to give it back.
/// </summary>
internal sealed class LoginSlots(int limit)
{
    private int _taken;

    public int Limit { get; } = limit;

    public int Taken => Volatile.Read(ref _taken);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _taken) <= Limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _taken);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _taken);
}
