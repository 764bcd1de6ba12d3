using Airlock.Policy.Evaluation;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;

namespace Airlock.Policy.Tests.Evaluation;

/// <summary>Globs over names, argv tokens and HTTP paths, alone and through decisions.</summary>
public sealed class GlobTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("a", "", false)]
    [InlineData("orders", "orders", true)]
    [InlineData("orders", "Orders", false)]
    [InlineData("a*c", "abc", true)]
    [InlineData("a*c", "ac", true)]
    [InlineData("a*c", "ab", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "aXcYb", false)]
    [InlineData("*.email", "customers.email", true)]
    [InlineData("*.email", "customers.email_verified", false)]
    [InlineData("db-*", "db-staging", true)]
    [InlineData("db-*", "db", false)]
    [InlineData("**", "x", true)]
    [InlineData("*x", "xxxxxxxxy", false)]
    public void Glob_matches_whole_strings(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, Glob.IsMatch(pattern, text));
    }

    [Fact]
    public void A_pathological_pattern_finishes_and_does_not_match()
    {
        var text = new string('a', 20_000);

        Assert.False(Glob.IsMatch("*a*a*a*a*a*a*a*a*a*a*b", text));
        Assert.True(Glob.IsMatch("*a*a*a*a*a*a*a*a*a*a", text));
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("a?", true)]
    [InlineData("plain", false)]
    public void HasWildcards_sees_star_and_question_mark(string pattern, bool expected)
    {
        Assert.Equal(expected, Glob.HasWildcards(pattern));
    }

    [Theory]
    [InlineData("/v1/charges/*", "/v1/charges/ch_1", true)]
    [InlineData("/v1/charges/*", "/v1/charges/ch_1/refund", false)]
    [InlineData("/v1/charges/*", "/v1/charges", false)]
    [InlineData("/v1/charges/*", "/v1/chargesX/ch_1", false)]
    [InlineData("/v1/ch*", "/v1/charges", true)]
    [InlineData("/v1/ch*", "/v1/charges/x", false)]
    [InlineData("/v1/*/items/*", "/v1/x/items/y", true)]
    [InlineData("/v1/*/items/*", "/v1/x/y/items/z", false)]
    [InlineData("/v1/**", "/v1", true)]
    [InlineData("/v1/**", "/v1/a", true)]
    [InlineData("/v1/**", "/v1/a/b/c", true)]
    [InlineData("/v1/**", "/v2/a", false)]
    [InlineData("/v1/**", "/v10", false)]
    [InlineData("/**", "/", true)]
    [InlineData("/**", "/anything/at/all", true)]
    [InlineData("/v1/**/refunds", "/v1/refunds", true)]
    [InlineData("/v1/**/refunds", "/v1/a/b/refunds", true)]
    [InlineData("/v1/**/refunds", "/v1/a/b/refunds/x", false)]
    [InlineData("/a/**/b/c", "/a/b/b/c", true)]
    [InlineData("/v1/**/x/**/y", "/v1/a/x/b/c/y", true)]
    [InlineData("/v1/**/x/**/y", "/v1/a/b/c/y", false)]
    [InlineData("/exact", "/exact", true)]
    [InlineData("/exact", "/exactly", false)]
    public void Path_globs_keep_star_in_one_segment_and_let_double_star_span_segments(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, Glob.IsPathMatch(pattern, path));
    }

    [Theory]
    [InlineData("kubectl get **", "kubectl get", true)]
    [InlineData("kubectl get **", "kubectl get pods -A", true)]
    [InlineData("kubectl get **", "kubectl", false)]
    [InlineData("kubectl get **", "kubectl describe pods", false)]
    [InlineData("kubectl get **", "kubectl getx pods", false)]
    [InlineData("kubectl logs deploy/* -n *", "kubectl logs deploy/api -n prod", true)]
    [InlineData("kubectl logs deploy/* -n *", "kubectl logs deploy/api -n prod --since=1h", false)]
    [InlineData("kubectl logs deploy/* -n *", "kubectl logs deploy/api", false)]
    [InlineData("kubectl get pod?", "kubectl get pods", true)]
    [InlineData("kubectl", "kubectl", true)]
    [InlineData("kubectl", "kubectl get", false)]
    [InlineData("**", "", true)]
    [InlineData("**", "rm -rf /", true)]
    [InlineData("a ** c", "a x c", true)]
    [InlineData("a ** c", "a x y c", false)]
    public void Argv_patterns_match_token_by_token_with_a_final_double_star_for_the_rest(string pattern, string argv, bool expected)
    {
        var tokens = argv.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(expected, CompiledRule.ArgvMatches(pattern.Split(' ', StringSplitOptions.RemoveEmptyEntries), tokens));
    }

    [Fact]
    public void Command_rules_decide_by_argv()
    {
        var snapshot = Compile("""
            rules:
              - id: no-exec
                deny: { resources: [k8s], command: ["kubectl exec **", "kubectl  delete   **"] }
              - id: reads
                allow: { groups: [eng], resources: [k8s], command: ["kubectl get **", "kubectl logs deploy/* -n *"] }
              - id: restarts
                review: { groups: [eng], resources: [k8s], command: { argv: ["kubectl rollout restart deployment/*"] }, approvers: { groups: [dba] } }
            """);
        var alice = Who("alice");

        Assert.Equal("reads", snapshot.Decide(alice, "k8s", PolicyAction.Command(["kubectl", "get", "pods"])).DecidingRuleId);
        Assert.Equal("reads", snapshot.Decide(alice, "k8s", PolicyAction.Command(["kubectl", "logs", "deploy/api", "-n", "prod"])).DecidingRuleId);
        Assert.True(snapshot.Decide(alice, "k8s", PolicyAction.Command(["kubectl", "logs", "deploy/api"])).IsDefaultDeny);
        Assert.Equal("no-exec", snapshot.Decide(alice, "k8s", PolicyAction.Command(["kubectl", "exec", "-it", "pod", "--", "sh"])).DecidingRuleId);
        Assert.Equal("no-exec", snapshot.Decide(alice, "k8s", PolicyAction.Command(["kubectl", "delete"])).DecidingRuleId);
        Assert.Equal("restarts", snapshot.Decide(alice, "k8s", PolicyAction.Command(["kubectl", "rollout", "restart", "deployment/api"])).DecidingRuleId);
        Assert.True(snapshot.Decide(alice, "k8s", PolicyAction.Command(["kubectl", "rollout", "restart", "deployment/api", "-n", "x"])).IsDefaultDeny);
        Assert.True(snapshot.Decide(Who("bob"), "k8s", PolicyAction.Command(["kubectl", "get", "pods"])).IsDefaultDeny);
        Assert.True(snapshot.Decide(alice, "k8s", PolicyAction.Command([])).IsDefaultDeny);
    }

    [Fact]
    public void Http_rules_decide_by_method_and_path()
    {
        var snapshot = Compile("""
            rules:
              - id: lookups
                allow: { resources: [api], http: { methods: [get, HEAD], paths: ["/v1/charges/*", "/v1/reports/**"] } }
              - id: no-deletes
                deny: { resources: [api], http: { methods: [DELETE] } }
              - id: refunds
                review: { resources: [api], http: { methods: [POST], paths: ["/v1/refunds"] }, approvers: { groups: [dba] } }
              - id: health
                allow: { resources: [api], http: { paths: ["/health"] } }
            """);
        var alice = Who("alice");

        Assert.Equal("lookups", snapshot.Decide(alice, "api", PolicyAction.Http("GET", "/v1/charges/ch_1")).DecidingRuleId);
        Assert.Equal("lookups", snapshot.Decide(alice, "api", PolicyAction.Http("HEAD", "/v1/charges/ch_1")).DecidingRuleId);
        Assert.True(snapshot.Decide(alice, "api", PolicyAction.Http("POST", "/v1/charges/ch_1")).IsDefaultDeny);
        Assert.True(snapshot.Decide(alice, "api", PolicyAction.Http("GET", "/v1/charges/ch_1/capture")).IsDefaultDeny);
        Assert.Equal("lookups", snapshot.Decide(alice, "api", PolicyAction.Http("GET", "/v1/reports")).DecidingRuleId);
        Assert.Equal("lookups", snapshot.Decide(alice, "api", PolicyAction.Http("GET", "/v1/reports/2026/03/summary")).DecidingRuleId);
        Assert.Equal("no-deletes", snapshot.Decide(alice, "api", PolicyAction.Http("DELETE", "/v1/charges/ch_1")).DecidingRuleId);
        Assert.Equal("no-deletes", snapshot.Decide(alice, "api", PolicyAction.Http("DELETE", "/health")).DecidingRuleId);
        Assert.Equal("refunds", snapshot.Decide(alice, "api", PolicyAction.Http("POST", "/v1/refunds")).DecidingRuleId);
        Assert.True(snapshot.Decide(alice, "api", PolicyAction.Http("POST", "/v1/refunds/re_1")).IsDefaultDeny);

        // No methods listed: any method on the paths.
        Assert.Equal("health", snapshot.Decide(alice, "api", PolicyAction.Http("POST", "/health")).DecidingRuleId);
        Assert.Equal("health", snapshot.Decide(alice, "api", PolicyAction.Http("PATCH", "/health")).DecidingRuleId);
    }
}
