namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Stripe secret and restricted API keys, live and test: sk_live_, sk_test_, rk_live_, rk_test_ followed
/// by 24 to 247 alphanumerics (Stripe documents keys as up to 255 chars). Publishable keys (pk_) are meant
/// to be public and are left alone. The body must look random.
/// </summary>
internal sealed class StripeKeyDetector : Detector
{
    public override string Name => "stripe-key";

    public override string EntityType => EntityTypes.StripeKey;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } = ["sk_live_", "sk_test_", "rk_live_", "rk_test_"];

    public override int MaxLength => 255;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = PrefixedToken.Match(text, index, Keywords, PrefixedToken.Alphanumeric, 24, 247, 3.5);
        return length > 0;
    }
}
