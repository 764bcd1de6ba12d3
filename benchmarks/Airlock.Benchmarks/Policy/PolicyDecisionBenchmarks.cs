using Airlock.Benchmarks.Generation;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using BenchmarkDotNet.Attributes;

namespace Airlock.Benchmarks.Policy;

/// <summary>
/// Decision latency of <see cref="PolicySnapshot.Decide"/> over generated bundles of 10, 1,000 and
/// 10,000 rules. The principal is resolved once, as a session does, and a <see cref="DecisionBuffer"/>
/// is reused, so every matching rule is collected as the gateway collects it for the audit record.
/// Targets (issue): median ≤ 2 µs at 1,000 rules, sub-linear growth with rule count, 0 B per decision.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class PolicyDecisionBenchmarks
{
    private PolicySnapshot _snapshot = null!;
    private DecisionBuffer _buffer = null!;
    private AccessRequest _allowedRead;
    private AccessRequest _deniedDdl;
    private AccessRequest _reviewedWrite;
    private AccessRequest _defaultDeny;

    [Params(10, 1_000, 10_000)]
    public int RuleCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var generated = GeneratedBundle.Create(RuleCount);
        _snapshot = generated.Snapshot;
        _buffer = new DecisionBuffer();
        var principal = _snapshot.ResolvePrincipal(DecisionScenario.Principal(generated.Shape));
        var resource = DecisionScenario.Resource(generated.Shape);
        var requests = new Dictionary<string, AccessRequest>(StringComparer.Ordinal);
        foreach (var decision in DecisionScenario.Decisions(generated.Shape))
        {
            var request = DecisionScenario.Request(principal, resource, decision, BundleGenerator.DecisionTime);
            DecisionScenario.Verify(_snapshot, request, decision);
            requests[decision.Name] = request;
        }

        _allowedRead = requests["AllowedRead"];
        _deniedDdl = requests["DeniedDdl"];
        _reviewedWrite = requests["ReviewedWrite"];
        _defaultDeny = requests["DefaultDeny"];
        Console.WriteLine($"// bundle of {RuleCount} rules: loaded in {generated.LoadTime.TotalMilliseconds:F0} ms, compiled in {generated.CompileTime.TotalMilliseconds:F0} ms");
    }

    [Benchmark]
    public RuleEffect AllowedRead() => _snapshot.Decide(_allowedRead, _buffer).Effect;

    [Benchmark]
    public RuleEffect DeniedDdl() => _snapshot.Decide(_deniedDdl, _buffer).Effect;

    [Benchmark]
    public RuleEffect ReviewedWrite() => _snapshot.Decide(_reviewedWrite, _buffer).Effect;

    [Benchmark]
    public RuleEffect DefaultDeny() => _snapshot.Decide(_defaultDeny, _buffer).Effect;
}
