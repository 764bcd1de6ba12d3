using System.Text;

namespace Airlock.Pipeline.Tests;

/// <summary>TOTP against the test vectors of RFC 6238 (appendix B, SHA-1), and base32 as authenticator apps write it.</summary>
public sealed class TotpTests
{
    private static readonly byte[] RfcSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void The_rfc_6238_vectors_come_out(long unixSeconds, string expected) =>
        Assert.Equal(expected, Totp.Compute(RfcSecret, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)), digits: 8));

    [Fact]
    public void A_code_matches_within_one_step_of_drift_and_not_beyond()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1234567890);
        var step = Totp.StepAt(now);
        Assert.Equal(step, Totp.Match(RfcSecret, Totp.Compute(RfcSecret, step), now));
        Assert.Equal(step - 1, Totp.Match(RfcSecret, Totp.Compute(RfcSecret, step - 1), now));
        Assert.Equal(step + 1, Totp.Match(RfcSecret, Totp.Compute(RfcSecret, step + 1), now));
        Assert.Null(Totp.Match(RfcSecret, Totp.Compute(RfcSecret, step - 2), now));
        Assert.Null(Totp.Match(RfcSecret, "not a code", now));
    }

    [Fact]
    public void Base32_round_trips_and_reads_what_apps_show()
    {
        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Totp.ToBase32(RfcSecret));
        Assert.Equal(RfcSecret, Totp.FromBase32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"));
        Assert.Throws<FormatException>(() => Totp.FromBase32("GEZD1"));
    }
}
