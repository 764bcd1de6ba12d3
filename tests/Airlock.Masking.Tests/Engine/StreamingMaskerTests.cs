using System.Text;

namespace Airlock.Masking.Tests.Engine;

public sealed class StreamingMaskerTests
{
    private readonly MaskingEngine _engine = TestEngine.Create();

    private static string SampleLog(int lines, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < lines; i++)
        {
            text.Append("2026-11-22T10:").Append(random.Next(10, 59)).Append(":00Z INFO request id=").Append(random.Next(100000, 999999));
            switch (random.Next(4))
            {
                case 0:
                    text.Append(" user=ann").Append(i).Append("@example.com");
                    break;
                case 1:
                    text.Append(" card=4111 1111 1111 1111");
                    break;
                case 2:
                    text.Append(" amount=12.50 EUR");
                    break;
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(4096)]
    [InlineData(100_000)]
    public void Chunked_input_masks_exactly_like_the_whole_text(int chunkSize)
    {
        var input = SampleLog(20_000, seed: chunkSize);
        var expected = _engine.Mask(input);
        var output = new StringWriter();

        using (var stream = _engine.CreateStream(output))
        {
            for (var i = 0; i < input.Length; i += chunkSize)
            {
                stream.Write(input.AsSpan(i, Math.Min(chunkSize, input.Length - i)));
            }
        }

        Assert.Equal(expected, output.ToString());
    }

    [Fact]
    public void A_value_split_at_a_chunk_boundary_is_still_found()
    {
        var padding = new string('x', (64 * 1024) - 5) + " ";
        var input = padding + "ann@example.com and 4111 1111 1111 1111 end";
        var output = new StringWriter();

        using (var stream = _engine.CreateStream(output))
        {
            stream.Write(input.AsSpan(0, padding.Length + 3));
            stream.Write(input.AsSpan(padding.Length + 3));
        }

        Assert.EndsWith("***@example.com and **** **** **** 1111 end", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Findings_carry_offsets_into_the_whole_input()
    {
        var input = new string('.', 100_000) + " ann@example.com";
        var findings = new List<StreamFinding>();
        var output = new StringWriter();

        using (var stream = _engine.CreateStream(output, findings.Add))
        {
            stream.Write(input);
        }

        var finding = Assert.Single(findings);
        Assert.Equal(100_001, finding.Start);
        Assert.Equal(15, finding.Length);
        Assert.Equal("email-tld", finding.Detector);
    }

    [Fact]
    public void A_private_key_split_across_many_chunks_is_masked_whole()
    {
        var body = string.Join("\n", Enumerable.Range(0, 25).Select(i => Convert.ToBase64String(Enumerable.Range(0, 48).Select(b => (byte)((b * 7) + i)).ToArray())));
        var key = $"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----";
        var input = new string('.', 70_000) + "\nkey:\n" + key + "\nafter\n";
        var findings = new List<StreamFinding>();
        var output = new StringWriter();

        using (var stream = _engine.CreateStream(output, findings.Add))
        {
            for (var i = 0; i < input.Length; i += 333)
            {
                stream.Write(input.AsSpan(i, Math.Min(333, input.Length - i)));
            }
        }

        var finding = Assert.Single(findings);
        Assert.Equal(EntityTypes.PrivateKey, finding.EntityType);
        Assert.Equal(key.Length, finding.Length);
        Assert.DoesNotContain("PRIVATE KEY", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(body[..40], output.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("\nafter\n", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Masking_into_a_buffer_appends_exactly_what_whole_text_masking_returns()
    {
        var input = SampleLog(2_000, seed: 5);
        var buffer = new StringBuilder("prefix|");

        var masked = _engine.Mask(input.AsSpan(), buffer);

        Assert.Equal("prefix|" + _engine.Mask(input), buffer.ToString());
        Assert.Equal(_engine.Find(input).Count, masked);
    }
}
