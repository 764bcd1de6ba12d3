namespace Airlock.Gateway.Policies;

public sealed partial class PolicyHost
{
    private readonly Lock _watchLock = new();
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;
    private Task _watchReloads = Task.CompletedTask;
    private int _disposed;

    /// <summary>
    /// Watches the bundle directory, recursively. Every event restarts the quiet timer; when it runs out, one
    /// reload runs (after any still running). A directory that does not exist yet is not watched: a host that
    /// started from the last good revision for that reason picks up the bundle on <see cref="ReloadAsync(CancellationToken)"/>.
    /// </summary>
    private void StartWatching()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }

        var watcher = new FileSystemWatcher(Directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += OnFileEvent;
        watcher.Created += OnFileEvent;
        watcher.Deleted += OnFileEvent;
        watcher.Renamed += OnFileEvent;

        // An overflowed event buffer means changes were lost: reload and let the content hash decide.
        watcher.Error += (_, _) => ScheduleReload();
        watcher.EnableRaisingEvents = true;
        _watcher = watcher;
    }

    private void OnFileEvent(object? sender, FileSystemEventArgs e)
    {
        if (IsPolicyPath(e.FullPath) || (e is RenamedEventArgs renamed && IsPolicyPath(renamed.OldFullPath)))
        {
            ScheduleReload();
        }
    }

    /// <summary>A policy file, or what may be a directory of them; not editor swap files, not .git.</summary>
    private bool IsPolicyPath(string path)
    {
        var relative = Path.GetRelativePath(Directory, path);
        if (relative.Split(Path.DirectorySeparatorChar).Any(segment => segment.StartsWith('.')))
        {
            return false;
        }

        var extension = Path.GetExtension(relative);
        return extension.Length == 0 || extension is ".yaml" or ".yml";
    }

    private void ScheduleReload()
    {
        lock (_watchLock)
        {
            if (_disposed != 0)
            {
                return;
            }

            if (_debounce is null)
            {
                _debounce = _time.CreateTimer(_ => OnQuiet(), null, _options.Debounce, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _debounce.Change(_options.Debounce, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnQuiet()
    {
        lock (_watchLock)
        {
            if (_disposed != 0)
            {
                return;
            }

            var previous = _watchReloads;
#pragma warning disable VSTHRD003 // The chain of this host's own reload tasks.
            _watchReloads = Task.Run(() => WatchReloadAsync(previous));
#pragma warning restore VSTHRD003
        }
    }

    private async Task WatchReloadAsync(Task previous)
    {
        // One reload after another; the previous one reported its own failure.
#pragma warning disable VSTHRD003 // The chain of this host's own reload tasks.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
#pragma warning restore VSTHRD003
        try
        {
            await ReloadWithTriggerAsync(PolicyReloadTriggers.Watch, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // the host is stopping
        }
#pragma warning disable CA1031 // Nobody awaits the watcher: any failure is handed to ReloadFailed rather than lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ReloadFailed?.Invoke(this, new PolicyReloadFailedEventArgs(ex));
        }
    }

    private async Task StopWatchingAsync()
    {
        Task pending;
        lock (_watchLock)
        {
            _disposed = 1;
            _watcher?.Dispose();
            _debounce?.Dispose();
            pending = _watchReloads;
        }

        await _stopping.CancelAsync();
#pragma warning disable VSTHRD003 // The chain of this host's own reload tasks.
        await pending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
#pragma warning restore VSTHRD003
    }
}
