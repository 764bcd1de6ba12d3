using Airlock.Policy.Compilation;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using Airlock.Sql;

namespace Airlock.Policy.Tests.Samples;

/// <summary>The sample bundle is what people copy: it must be clean, and it must show the schema as documented.</summary>
public sealed class SampleBundleTests
{
    private static readonly BundleLoadResult Loaded = BundleLoader.Load(SampleBundle.Directory);

    [Fact]
    public void The_sample_bundle_checks_clean()
    {
        Assert.True(Loaded.Succeeded, Loaded.Describe());
        Assert.Empty(Loaded.Diagnostics);
        Assert.Equal(Directory.EnumerateFiles(SampleBundle.Directory, "*.yaml", SearchOption.AllDirectories).Count(), Loaded.FileCount);
    }

    [Fact]
    public void The_sample_bundle_uses_every_resource_type_and_every_effect()
    {
        var bundle = Loaded.Bundle!;

        Assert.Equal(Enum.GetValues<ResourceType>().Order(), bundle.Resources.Select(r => r.Type).Distinct().Order());
        Assert.Equal(Enum.GetValues<RuleEffect>().Order(), bundle.Rules.Select(r => r.Effect).Distinct().Order());
        Assert.NotEmpty(bundle.Tests);
        Assert.NotEmpty(bundle.Grants);
        Assert.NotEmpty(bundle.ServiceAccounts);
    }

    [Fact]
    public void Every_secret_in_the_sample_is_a_reference()
    {
        var bundle = Loaded.Bundle!;

        Assert.All(bundle.Resources.Where(r => r.Postgres is not null), r => Assert.NotNull(r.Postgres!.Password));
        Assert.All(bundle.Resources.Where(r => r.Http?.Auth is not null), r => Assert.Contains(r.Http!.Auth!.Secret.Source, new[] { SecretSource.Env, SecretSource.File }));
    }

    [Fact]
    public void Every_rule_id_and_location_is_distinct_and_points_into_the_bundle()
    {
        var rules = Loaded.Bundle!.Rules;

        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(rules, r =>
        {
            Assert.StartsWith(SampleBundle.Directory, r.Location.File, StringComparison.Ordinal);
            Assert.True(r.Location.Line > 0);
            Assert.True(r.EffectLocation.Line >= r.Location.Line);
        });
    }

    [Fact]
    public void The_sample_bundle_is_named_by_its_git_commit()
    {
        var revision = Loaded.Bundle!.Revision;

        Assert.Matches("^[0-9a-f]{40}$", revision.GitCommit);
        Assert.StartsWith($"sha256:{revision.ContentHash[..12]}@git:{revision.GitCommit![..12]}", revision.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_compiled_sample_indexes_every_rule_and_resource()
    {
        var snapshot = SnapshotCompiler.Compile(Loaded.Bundle!);

        Assert.Equal(Loaded.Bundle!.Rules.Select(r => r.Id).ToArray(), snapshot.Rules.Select(r => r.Id).ToArray());
        Assert.Equal(Enumerable.Range(0, snapshot.Rules.Count), snapshot.Rules.Select(r => r.Order));
        Assert.All(Loaded.Bundle.Resources, r => Assert.True(snapshot.TryGetResource(r.Name, out _)));
        Assert.All(Loaded.Bundle.Groups, g => Assert.True(snapshot.IsGroupDefined(g.Name)));
    }

    [Fact]
    public void In_the_sample_a_contractor_logs_in_for_an_hour_and_everyone_else_for_eight()
    {
        var snapshot = SnapshotCompiler.Compile(Loaded.Bundle!);

        Assert.Equal(TimeSpan.FromHours(1), snapshot.ResolveLoginLifetime(snapshot.ResolvePrincipal(new PrincipalInfo { User = "frank" })));
        Assert.Equal(TimeSpan.FromHours(8), snapshot.ResolveLoginLifetime(snapshot.ResolvePrincipal(new PrincipalInfo { User = "alice" })));
    }

    [Fact]
    public void Anyone_outside_every_group_is_denied_everything_in_the_sample()
    {
        var snapshot = SnapshotCompiler.Compile(Loaded.Bundle!);
        var stranger = snapshot.ResolvePrincipal(new PrincipalInfo { User = "mallory", Mfa = true, Grants = [.. Loaded.Bundle!.Grants.Select(g => g.Name)] });
        PolicyAction[] actions =
        [
            .. StatementKinds.All.Select(k => PolicyAction.Sql(k, ["orders"])),
            PolicyAction.Command(["kubectl", "get", "pods"]),
            PolicyAction.Http("GET", "/v1/charges/ch_1"),
        ];

        foreach (var resource in Loaded.Bundle.Resources)
        {
            foreach (var action in actions)
            {
                var decision = snapshot.Decide(new AccessRequest(stranger, resource.Name, action, World.Noon, "INC-1"));
                Assert.True(decision.Effect == RuleEffect.Deny, $"{resource.Name}: {action} → {decision.DecidingRuleId}");
            }
        }
    }
}
