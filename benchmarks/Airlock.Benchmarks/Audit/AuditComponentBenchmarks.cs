using Airlock.Audit;
using Airlock.Masking;
using Airlock.Store;
using BenchmarkDotNet.Attributes;

namespace Airlock.Benchmarks.Audit;

/// <summary>
/// The CPU steps of one append and one verified event, one at a time, on the same intent event as the
/// append benchmarks: redacting the free text (masking engine, every detector), stamping time and id,
/// the canonical JSON, one SHA-256 chain link, signing a checkpoint (ECDSA P-256, once per 1,000 events
/// by default); and on the verify side, reading the indexed fields back from the body and checking a
/// checkpoint signature. Where the time of an append goes when the store is not the cost.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class AuditComponentBenchmarks
{
    private readonly AuditEvent _event = AuditSample.Events[0];
    private readonly byte[] _previous = new byte[AuditChainHead.HashLength];
    private AuditRedactor _redactor = null!;
    private AuditChain _chain = null!;
    private AuditSigningKey _key = null!;
    private AuditEvent _stamped = null!;
    private Guid _id;
    private byte[] _body = null!;
    private byte[] _hash = null!;
    private AuditCheckpointRow _checkpoint = null!;

    [GlobalSetup]
    public void Setup()
    {
        _redactor = new AuditRedactor(new MaskingEngine(MaskingProfile.Default()));
        _chain = new AuditChain();
        _key = AuditSigningKey.Generate();
        _stamped = _event with { Time = DateTimeOffset.UtcNow };
        _id = Guid.CreateVersion7(_stamped.Time);
        _body = AuditEventJson.Serialize(_stamped, 123_456, _id);
        _hash = _chain.Next(_previous, _body);
        _checkpoint = _key.SignCheckpoint(124, 123_456, _hash, UnixMicros.From(_stamped.Time));
        Console.WriteLine($"// event body: {_body.Length} bytes");
        if (!ReferenceEquals(_redactor.Redact(_event), _event))
        {
            throw new InvalidOperationException("the sample event has something to redact: the benchmark would time the copy too");
        }

        if (!_key.PublicKey.Verify(_checkpoint) || CanonicalBody.Read(_body).Event?.Seq != 123_456)
        {
            throw new InvalidOperationException("the checkpoint or the body does not read back");
        }
    }

    [Benchmark(Description = "append: redact free text (nothing to mask)")]
    public AuditEvent Redact() => _redactor.Redact(_event);

    [Benchmark(Description = "append: stamp time and id (record copy, Guid v7)")]
    public Guid Stamp()
    {
        var e = _event with { Time = DateTimeOffset.UtcNow };
        return Guid.CreateVersion7(e.Time);
    }

    [Benchmark(Description = "append: serialize canonical JSON")]
    public byte[] Serialize() => AuditEventJson.Serialize(_stamped, 123_456, _id);

    [Benchmark(Description = "append: SHA-256 chain link")]
    public byte[] ChainLink() => _chain.Next(_previous, _body);

    [Benchmark(Description = "append: sign a checkpoint (ECDSA P-256)")]
    public AuditCheckpointRow SignCheckpoint() => _key.SignCheckpoint(124, 123_456, _hash, 1_763_000_000_000_000);

    [Benchmark(Description = "verify: read the body strictly and prove it canonical (parse + re-serialize + compare)")]
    public long ReadCanonicalBody() => CanonicalBody.Read(_body).Event!.Seq;

    [Benchmark(Description = "verify: check a checkpoint signature")]
    public bool VerifyCheckpoint() => _key.PublicKey.Verify(_checkpoint);

    [GlobalCleanup]
    public void Cleanup()
    {
        _chain.Dispose();
        _key.Dispose();
    }
}
