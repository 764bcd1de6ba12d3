using Airlock.Audit;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>Expires requests on time (<see cref="ActionApprovals.SweepExpiredAsync"/>) every <c>every</c>, for as long as the gateway runs.</summary>
public sealed class ApprovalSweeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ApprovalSweeper(ActionApprovals approvals, TimeProvider time, TimeSpan every)
    {
        ArgumentNullException.ThrowIfNull(approvals);
        _loop = Task.Run(() => LoopAsync(approvals, time, every));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
#pragma warning disable VSTHRD003 // The loop is this object's own task, started in its constructor.
        await _loop;
#pragma warning restore VSTHRD003
        _stop.Dispose();
    }

    private async Task LoopAsync(ActionApprovals approvals, TimeProvider time, TimeSpan every)
    {
        using var timer = new PeriodicTimer(every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await approvals.SweepExpiredAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is StoreException or AuditUnavailableException)
                {
                    // The next tick tries again; a request read meanwhile is still expired on the spot.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposal.
        }
    }
}
