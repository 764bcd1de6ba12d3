using Airlock.Audit;
using Airlock.Policy.Compilation;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;
using Airlock.Store;

namespace Airlock.Gateway.Policies;

public sealed partial class PolicyHost
{
    /// <summary>The content key of a bundle directory that does not exist, so its rejection is audited once too.</summary>
    private const string MissingContent = "(missing)";

    private async Task<PolicyChange> StartCoreAsync(CancellationToken cancellationToken)
    {
        var files = BundleFiles.Read(Directory);
        var (result, checkedFiles) = LoadFromDisk(files);
        if (result.Succeeded)
        {
            var snapshot = SnapshotCompiler.Compile(result.Bundle!);
            var changed = await AdoptAsync(snapshot, checkedFiles, PolicyReloadTriggers.Startup, fromLastGood: false, cancellationToken);
            return new PolicyChange(new PolicyReloadResult(PolicyReloadOutcome.Loaded, snapshot, []), changed, null);
        }

        var diskErrors = result.Diagnostics;
        var contentKey = checkedFiles?.ContentHash ?? MissingContent;
        var lastGood = await _store.PolicyRevisions.GetLastGoodAsync(cancellationToken);
        if (lastGood is null)
        {
            await AuditRejectedAsync(diskErrors, PolicyReloadTriggers.Startup, kept: null, contentKey, cancellationToken);
            throw new PolicyHostException(
                GatewayErrors.NoUsablePolicy,
                $"error {GatewayErrors.NoUsablePolicy}: the policy bundle in {Directory} does not load ({Count(diskErrors)}) and the store holds no last good revision to fall back to:\n{Summary(diskErrors)}",
                diskErrors);
        }

        var (fallback, fallbackErrors) = LoadLastGood(lastGood);
        if (fallback is null)
        {
            await AuditRejectedAsync(diskErrors, PolicyReloadTriggers.Startup, kept: null, contentKey, cancellationToken);
            throw new PolicyHostException(
                GatewayErrors.LastGoodUnusable,
                $"error {GatewayErrors.LastGoodUnusable}: the policy bundle in {Directory} does not load ({Count(diskErrors)}), and neither does the store's last good revision {lastGood.Revision[..Math.Min(12, lastGood.Revision.Length)]} ({Count(fallbackErrors)}):\n{Summary([.. diskErrors, .. fallbackErrors])}",
                [.. diskErrors, .. fallbackErrors]);
        }

        // The disk's errors first, then which revision took over: an auditor reads why before what.
        await AuditRejectedAsync(diskErrors, PolicyReloadTriggers.Startup, fallback.Revision, contentKey, cancellationToken);
        var fellBack = await AdoptAsync(fallback, files: null, PolicyReloadTriggers.LastGood, fromLastGood: true, cancellationToken);
        _lastRejected = (contentKey, diskErrors);
        return new PolicyChange(
            new PolicyReloadResult(PolicyReloadOutcome.Loaded, fallback, diskErrors),
            fellBack,
            new PolicyRejectedEventArgs(diskErrors, fallback.Revision, PolicyReloadTriggers.Startup));
    }

    private async Task<PolicyChange> ReloadCoreAsync(string trigger, CancellationToken cancellationToken)
    {
        var current = State.Snapshot;
        var files = BundleFiles.Read(Directory);
        var contentKey = files?.ContentHash ?? MissingContent;

        // An unchanged bundle is nothing to do; the same broken content was audited already.
        if (string.Equals(contentKey, current.Revision.ContentHash, StringComparison.Ordinal))
        {
            return new PolicyChange(new PolicyReloadResult(PolicyReloadOutcome.Unchanged, current, []), null, null);
        }

        if (_lastRejected is { } rejected && string.Equals(rejected.ContentHash, contentKey, StringComparison.Ordinal))
        {
            return new PolicyChange(new PolicyReloadResult(PolicyReloadOutcome.Rejected, current, rejected.Diagnostics), null, null);
        }

        var (result, checkedFiles) = LoadFromDisk(files);
        contentKey = checkedFiles?.ContentHash ?? MissingContent;
        if (!result.Succeeded)
        {
            var diagnostics = result.Diagnostics;
            await AuditRejectedAsync(diagnostics, trigger, current.Revision, contentKey, cancellationToken);
            _lastRejected = (contentKey, diagnostics);
            return new PolicyChange(
                new PolicyReloadResult(PolicyReloadOutcome.Rejected, current, diagnostics),
                null,
                new PolicyRejectedEventArgs(diagnostics, current.Revision, trigger));
        }

        var snapshot = SnapshotCompiler.Compile(result.Bundle!);
        var changed = await AdoptAsync(snapshot, checkedFiles, trigger, fromLastGood: false, cancellationToken);
        return new PolicyChange(new PolicyReloadResult(PolicyReloadOutcome.Loaded, snapshot, []), changed, null);
    }

    /// <summary>
    /// Loads the bundle, and makes sure <see cref="BundleFiles"/> holds exactly the files that were checked
    /// (same content hash): a file saved between the two reads means reading both again.
    /// </summary>
    private (BundleLoadResult Result, BundleFiles? Files) LoadFromDisk(BundleFiles? files)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var result = BundleLoader.Load(Directory);
            if (result.Bundle is null || files is null || string.Equals(result.Bundle.Revision.ContentHash, files.ContentHash, StringComparison.Ordinal))
            {
                return (result, files);
            }

            files = BundleFiles.Read(Directory);
            if (files is not null && string.Equals(result.Bundle.Revision.ContentHash, files.ContentHash, StringComparison.Ordinal))
            {
                return (result, files);
            }
        }

        throw new IOException($"the policy bundle in {Directory} kept changing while it was loaded; it is loaded once it is quiet");
    }

    /// <summary>The store's last good revision, compiled, with its revision as first recorded (git commit included).</summary>
    private static (PolicySnapshot? Snapshot, IReadOnlyList<PolicyDiagnostic> Errors) LoadLastGood(PolicyRevisionRecord record)
    {
        var location = new SourceLocation($"store:policy_revisions/{record.Revision}", 0, 0);
        var temp = System.IO.Directory.CreateTempSubdirectory("airlock-policy-last-good-");
        try
        {
            BundleFiles.Write(record.Files, temp.FullName);
            var result = BundleLoader.Load(temp.FullName);
            if (!result.Succeeded)
            {
                return (null, result.Diagnostics);
            }

            if (!string.Equals(result.Bundle!.Revision.ContentHash, record.Revision, StringComparison.Ordinal))
            {
                return (null, [new PolicyDiagnostic(GatewayErrors.LastGoodUnusable, location, "the stored files do not hash to the stored revision; the store's copy is not the revision that was checked")]);
            }

            var bundle = result.Bundle with { Revision = new BundleRevision(record.Revision, record.GitCommit, GitDirty: false) };
            return (SnapshotCompiler.Compile(bundle), []);
        }
        catch (InvalidDataException ex)
        {
            return (null, [new PolicyDiagnostic(GatewayErrors.LastGoodUnusable, location, ex.Message)]);
        }
        finally
        {
            // The snapshot holds everything it needs; its rules' locations name these (deleted) files.
            temp.Delete(recursive: true);
        }
    }

    /// <summary>Records the revision as good (with its files), audits it, and swaps it in: in that order, so nothing unaudited is ever in force.</summary>
    private async Task<PolicyChangedEventArgs> AdoptAsync(PolicySnapshot snapshot, BundleFiles? files, string trigger, bool fromLastGood, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var revision = snapshot.Revision;
        if (files is not null)
        {
            await _store.PolicyRevisions.SaveGoodAsync(
                new PolicyRevisionRecord { Revision = revision.ContentHash, GitCommit = revision.GitCommit, Source = Directory, LoadedAt = now, Files = files.Files },
                cancellationToken);
        }

        var detail = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["revision"] = revision.ToString(),
            ["content_hash"] = revision.ContentHash,
            ["files"] = (files?.Files.Count ?? -1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["source"] = fromLastGood ? "store (last good revision)" : Directory,
            ["trigger"] = trigger,
        };
        if (files is null)
        {
            detail.Remove("files");
        }

        if (revision.GitCommit is { } commit)
        {
            detail["git_commit"] = commit + (revision.GitDirty ? "+dirty" : string.Empty);
        }

        var previous = _state?.Snapshot;
        if (previous is not null)
        {
            detail["previous_revision"] = previous.Revision.ToString();
        }

        await _audit.AppendAsync(new AuditEvent { Kind = AuditEventKinds.PolicyLoaded, PolicyRevision = revision.ToString(), Outcome = "ok", Detail = detail }, cancellationToken);
        _state = new PolicyHostState(snapshot, now, trigger, fromLastGood);
        _lastRejected = null;
        return new PolicyChangedEventArgs(previous, snapshot, trigger);
    }

    private async Task AuditRejectedAsync(IReadOnlyList<PolicyDiagnostic> diagnostics, string trigger, BundleRevision? kept, string contentKey, CancellationToken cancellationToken)
    {
        // Diagnostic messages are redacted by the policy engine already, and the trail redacts detail values again.
        var detail = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["source"] = Directory,
            ["trigger"] = trigger,
            ["error_count"] = diagnostics.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["errors"] = string.Join("\n", diagnostics.Take(_options.MaxAuditedErrors)),
            ["kept_revision"] = kept?.ToString() ?? "none",
            ["rejected_content_hash"] = contentKey,
        };
        await _audit.AppendAsync(
            new AuditEvent
            {
                Kind = AuditEventKinds.PolicyRejected,
                PolicyRevision = kept?.ToString(),
                Outcome = "rejected",
                ErrorCode = diagnostics.Count > 0 ? diagnostics[0].Id : null,
                Error = diagnostics.Count > 0 ? diagnostics[0].ToString() : null,
                Detail = detail,
            },
            cancellationToken);
    }

    private static string Count(IReadOnlyList<PolicyDiagnostic> diagnostics) => diagnostics.Count == 1 ? "1 error" : $"{diagnostics.Count} errors";

    private static string Summary(IEnumerable<PolicyDiagnostic> diagnostics)
    {
        var list = diagnostics.ToList();
        var text = string.Join("\n", list.Take(10));
        return list.Count > 10 ? $"{text}\n… and {list.Count - 10} more" : text;
    }
}
