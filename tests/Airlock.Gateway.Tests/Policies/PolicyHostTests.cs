using System.Text;
using Airlock.Audit;
using Airlock.Gateway.Policies;
using Airlock.Gateway.Tests.Support;
using Airlock.Policy.Diagnostics;

namespace Airlock.Gateway.Tests.Policies;

public sealed class PolicyHostTests : IAsyncLifetime
{
    private readonly PolicyHostHarness _harness = new();

    public Task InitializeAsync() => _harness.OpenAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Start_loads_the_bundle_audits_policy_loaded_and_saves_the_revision_with_all_its_files()
    {
        var host = _harness.CreateHost();

        await host.StartAsync();

        var revision = host.Current.Revision;
        Assert.Equal((PolicyReloadTriggers.Startup, false), (host.State.Trigger, host.State.FromLastGood));
        var loaded = Assert.Single(await _harness.AuditEventsAsync());
        Assert.Equal(AuditEventKinds.PolicyLoaded, loaded.Kind);
        Assert.Equal(revision.ToString(), loaded.PolicyRevision);
        Assert.Equal(revision.ToString(), loaded.Detail!["revision"]);
        Assert.Equal(revision.ContentHash, loaded.Detail["content_hash"]);
        Assert.Equal(_harness.YamlFiles().Count.ToString(System.Globalization.CultureInfo.InvariantCulture), loaded.Detail["files"]);
        Assert.Equal(_harness.BundleDirectory, loaded.Detail["source"]);
        Assert.Equal("startup", loaded.Detail["trigger"]);

        var saved = await _harness.Store.PolicyRevisions.GetLastGoodAsync();
        Assert.NotNull(saved);
        Assert.Equal((revision.ContentHash, _harness.BundleDirectory), (saved.Revision, saved.Source));
        Assert.Equal(_harness.YamlFiles(), saved.Files.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, text) in saved.Files)
        {
            Assert.Equal(await File.ReadAllTextAsync(_harness.PolicyFile(path)), text);
        }
    }

    [Fact]
    public async Task A_good_change_swaps_the_snapshot_raises_Changed_and_audits_the_new_revision()
    {
        var host = _harness.CreateHost();
        await host.StartAsync();
        var before = host.Current;
        var changes = new List<PolicyChangedEventArgs>();
        host.Changed += (_, e) => changes.Add(e);

        await _harness.AppendAsync("rules/databases.yaml", """

              - id: staging-reads-for-support
                allow: { groups: [support], resources: { labels: { env: staging } }, sql: [read] }

            """);
        var result = await host.ReloadAsync();

        Assert.Equal(PolicyReloadOutcome.Loaded, result.Outcome);
        Assert.NotSame(before, host.Current);
        Assert.Same(result.Current, host.Current);
        Assert.NotEqual(before.Revision.ContentHash, host.Current.Revision.ContentHash);
        Assert.True(host.Current.RulesById.ContainsKey("staging-reads-for-support"));
        Assert.False(before.RulesById.ContainsKey("staging-reads-for-support"));
        var change = Assert.Single(changes);
        Assert.Equal((before, host.Current, "reload"), (change.Previous, change.Current, change.Trigger));

        var events = await _harness.AuditEventsAsync();
        Assert.Equal([AuditEventKinds.PolicyLoaded, AuditEventKinds.PolicyLoaded], events.Select(e => e.Kind));
        Assert.Equal(host.Current.Revision.ToString(), events[1].PolicyRevision);
        Assert.Equal(before.Revision.ToString(), events[1].Detail!["previous_revision"]);
        Assert.Equal("reload", events[1].Detail!["trigger"]);
        Assert.Equal(host.Current.Revision.ContentHash, (await _harness.Store.PolicyRevisions.GetLastGoodAsync())!.Revision);
    }

    [Fact]
    public async Task An_unchanged_content_hash_does_nothing()
    {
        var host = _harness.CreateHost();
        await host.StartAsync();
        var before = host.Current;
        var raised = 0;
        host.Changed += (_, _) => raised++;

        // Rewriting a file with the same bytes (an editor's save) changes its time, not its content.
        await File.WriteAllTextAsync(_harness.PolicyFile("people.yaml"), await File.ReadAllTextAsync(_harness.PolicyFile("people.yaml")));
        var result = await host.ReloadAsync();

        Assert.Equal(PolicyReloadOutcome.Unchanged, result.Outcome);
        Assert.Same(before, host.Current);
        Assert.Equal(0, raised);
        Assert.Single(await _harness.AuditEventsAsync());
    }

    [Fact]
    public async Task A_bad_change_is_rejected_and_audited_once_and_the_old_snapshot_stays_in_force()
    {
        var host = _harness.CreateHost();
        await host.StartAsync();
        var before = host.Current;
        var rejections = new List<PolicyRejectedEventArgs>();
        host.Rejected += (_, e) => rejections.Add(e);
        var lines = (await File.ReadAllLinesAsync(_harness.PolicyFile("people.yaml"))).Length;

        await _harness.AppendAsync("people.yaml", "\ngroupz: { oncall: { members: [alice] } }\n");
        var result = await host.ReloadAsync();
        var again = await host.ReloadAsync();

        Assert.Equal(PolicyReloadOutcome.Rejected, result.Outcome);
        Assert.Same(before, host.Current);
        Assert.Same(before, result.Current);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(PolicyErrors.UnknownKey, diagnostic.Id);
        Assert.Equal((lines + 2, 1), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal((PolicyReloadOutcome.Rejected, result.Diagnostics), (again.Outcome, again.Diagnostics));
        var rejection = Assert.Single(rejections);
        Assert.Equal(before.Revision, rejection.Kept);

        var events = await _harness.AuditEventsAsync();
        Assert.Equal([AuditEventKinds.PolicyLoaded, AuditEventKinds.PolicyRejected], events.Select(e => e.Kind));
        var rejected = events[1];
        Assert.Equal(PolicyErrors.UnknownKey, rejected.ErrorCode);
        Assert.Equal(diagnostic.ToString(), rejected.Error);
        Assert.Contains($"people.yaml:{lines + 2}:1: error AL0201:", rejected.Detail!["errors"], StringComparison.Ordinal);
        Assert.Equal(before.Revision.ToString(), rejected.Detail["kept_revision"]);
        Assert.Equal("1", rejected.Detail["error_count"]);
        Assert.Equal(before.Revision.ContentHash, (await _harness.Store.PolicyRevisions.GetLastGoodAsync())!.Revision);
    }

    [Fact]
    public async Task After_a_rejection_a_fix_loads_and_the_same_mistake_made_again_is_audited_again()
    {
        var host = _harness.CreateHost();
        await host.StartAsync();
        var original = await File.ReadAllTextAsync(_harness.PolicyFile("people.yaml"));
        var broken = original + "\ngroupz: {}\n";

        await File.WriteAllTextAsync(_harness.PolicyFile("people.yaml"), broken);
        Assert.Equal(PolicyReloadOutcome.Rejected, (await host.ReloadAsync()).Outcome);
        await File.WriteAllTextAsync(_harness.PolicyFile("people.yaml"), original + "# fixed\n");
        Assert.Equal(PolicyReloadOutcome.Loaded, (await host.ReloadAsync()).Outcome);
        await File.WriteAllTextAsync(_harness.PolicyFile("people.yaml"), broken);
        Assert.Equal(PolicyReloadOutcome.Rejected, (await host.ReloadAsync()).Outcome);

        Assert.Equal(["policy.loaded", "policy.rejected", "policy.loaded", "policy.rejected"], (await _harness.AuditEventsAsync()).Select(e => e.Kind));
    }

    [Fact]
    public async Task A_secret_pasted_into_a_rejected_bundle_never_reaches_the_audit_or_the_store()
    {
        const string secret = "Sup3rS3cretPassw0rd";
        var host = _harness.CreateHost();
        await host.StartAsync();

        await _harness.AppendAsync("resources.yaml", $"""

              leaky:
                type: postgres
                postgres: {"{"} host: db, database: d, user: u, password: "postgres://u:{secret}@db/d" {"}"}

            """);
        var result = await host.ReloadAsync();

        Assert.Equal(PolicyReloadOutcome.Rejected, result.Outcome);
        Assert.Contains(result.Diagnostics, d => d.Id == PolicyErrors.LiteralSecret);
        Assert.All(result.Diagnostics, d => Assert.DoesNotContain(secret, d.ToString(), StringComparison.Ordinal));
        var rejected = (await _harness.AuditEventsAsync())[^1];
        Assert.Equal(AuditEventKinds.PolicyRejected, rejected.Kind);
        Assert.DoesNotContain(secret, rejected.Detail!["errors"], StringComparison.Ordinal);
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(_harness.StoreBytes()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restart_with_a_broken_bundle_falls_back_to_the_last_good_revision_from_the_store()
    {
        var first = _harness.CreateHost();
        await first.StartAsync();
        var good = first.Current;
        await _harness.CloseAsync();

        await File.WriteAllTextAsync(_harness.PolicyFile("rules/operations.yaml"), "rules:\n  - id: broken\n    allow: [\n");
        await _harness.OpenAsync();
        var second = _harness.CreateHost();
        var rejections = new List<PolicyRejectedEventArgs>();
        second.Rejected += (_, e) => rejections.Add(e);
        await second.StartAsync();

        Assert.Equal(good.Revision, second.Current.Revision);
        Assert.Equal(good.Rules.Select(r => r.Id), second.Current.Rules.Select(r => r.Id));
        Assert.Equal((PolicyReloadTriggers.LastGood, true), (second.State.Trigger, second.State.FromLastGood));
        var rejection = Assert.Single(rejections);
        Assert.Equal(PolicyErrors.YamlSyntax, rejection.Diagnostics[0].Id);

        var events = await _harness.AuditEventsAsync();
        Assert.Equal(["policy.loaded", "policy.rejected", "policy.loaded"], events.Select(e => e.Kind));
        Assert.Equal((PolicyErrors.YamlSyntax, "startup", good.Revision.ToString()), (events[1].ErrorCode, events[1].Detail!["trigger"], events[1].Detail!["kept_revision"]));
        Assert.Contains("operations.yaml:", events[1].Detail!["errors"], StringComparison.Ordinal);
        Assert.Equal(("last-good", good.Revision.ToString()), (events[2].Detail!["trigger"], events[2].PolicyRevision));

        // The broken content was audited once; mending the bundle brings the disk back in force.
        Assert.Equal(PolicyReloadOutcome.Rejected, (await second.ReloadAsync()).Outcome);
        File.Copy(Path.Combine(RepoPaths.SamplePolicies, "rules", "operations.yaml"), _harness.PolicyFile("rules/operations.yaml"), overwrite: true);
        await File.AppendAllTextAsync(_harness.PolicyFile("people.yaml"), "# mended\n");
        Assert.Equal(PolicyReloadOutcome.Loaded, (await second.ReloadAsync()).Outcome);
        Assert.False(second.State.FromLastGood);
        Assert.Equal(["policy.loaded", "policy.rejected", "policy.loaded", "policy.loaded"], (await _harness.AuditEventsAsync()).Select(e => e.Kind));
    }

    [Fact]
    public async Task A_broken_bundle_with_no_last_good_revision_fails_start_with_its_errors_and_is_audited()
    {
        await _harness.AppendAsync("grants.yaml", "\nnot_a_section: true\n");
        var host = _harness.CreateHost();

        var error = await Assert.ThrowsAsync<PolicyHostException>(() => host.StartAsync());

        Assert.Equal(GatewayErrors.NoUsablePolicy, error.ErrorId);
        Assert.Equal(PolicyErrors.UnknownKey, Assert.Single(error.Diagnostics).Id);
        Assert.Contains("grants.yaml:", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => host.Current);
        var rejected = Assert.Single(await _harness.AuditEventsAsync());
        Assert.Equal((AuditEventKinds.PolicyRejected, "none"), (rejected.Kind, rejected.Detail!["kept_revision"]));
    }

    [Fact]
    public async Task A_missing_bundle_directory_falls_back_to_the_last_good_revision_too()
    {
        await _harness.CreateHost().StartAsync();
        var good = (await _harness.Store.PolicyRevisions.GetLastGoodAsync())!.Revision;
        Directory.Move(_harness.BundleDirectory, _harness.BundleDirectory + "-moved");

        var host = _harness.CreateHost(watch: true);
        await host.StartAsync();

        Assert.Equal(good, host.Current.Revision.ContentHash);
        Assert.Equal(PolicyErrors.BundleNotFound, (await _harness.AuditEventsAsync())[^2].ErrorCode);
    }

    [Fact]
    public async Task The_watcher_reloads_a_saved_change_after_the_files_are_quiet()
    {
        var host = _harness.CreateHost(watch: true, debounce: TimeSpan.FromMilliseconds(100));
        await host.StartAsync();
        var before = host.Current;
        var changed = new TaskCompletionSource<PolicyChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Changed += (_, e) => changed.TrySetResult(e);
        host.ReloadFailed += (_, e) => changed.TrySetException(e.Exception);

        await _harness.AppendAsync("people.yaml", "\n# a comment is a new revision\n");
        var change = await changed.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(("watch", before), (change.Trigger, change.Previous));
        Assert.NotEqual(before.Revision, host.Current.Revision);
        Assert.Equal("watch", (await _harness.AuditEventsAsync())[^1].Detail!["trigger"]);
    }

    [Fact]
    public async Task The_watcher_rejects_a_broken_save_and_keeps_the_policy()
    {
        var host = _harness.CreateHost(watch: true, debounce: TimeSpan.FromMilliseconds(100));
        await host.StartAsync();
        var before = host.Current;
        var rejected = new TaskCompletionSource<PolicyRejectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Rejected += (_, e) => rejected.TrySetResult(e);

        await File.WriteAllTextAsync(_harness.PolicyFile("rules/new.yml"), "rules:\n  - id: x\n    allow: { groups: [nobody-such] }\n");
        var rejection = await rejected.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("watch", rejection.Trigger);
        Assert.Same(before, host.Current);
    }

    [Fact]
    public async Task The_host_starts_once_and_has_no_policy_before_it_starts()
    {
        var host = _harness.CreateHost();

        Assert.Throws<InvalidOperationException>(() => host.Current);
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.ReloadAsync());
        await host.StartAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
    }
}
