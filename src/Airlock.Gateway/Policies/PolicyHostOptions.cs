namespace Airlock.Gateway.Policies;

/// <summary>How the <see cref="PolicyHost"/> finds and watches its bundle.</summary>
public sealed record PolicyHostOptions
{
    /// <summary>The bundle directory (a git work tree or a plain directory of YAML files).</summary>
    public required string Directory { get; init; }

    /// <summary>Reload when a <c>*.yaml</c>/<c>*.yml</c> file below the directory changes. Tests turn it off and call <see cref="PolicyHost.ReloadAsync(CancellationToken)"/>.</summary>
    public bool Watch { get; init; } = true;

    /// <summary>How long the files must be quiet before a reload: an editor's save or a git checkout is many events.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How many errors of a rejected bundle go into its audit event (all of them are in <see cref="PolicyReloadResult.Diagnostics"/>).</summary>
    public int MaxAuditedErrors { get; init; } = 5;
}
