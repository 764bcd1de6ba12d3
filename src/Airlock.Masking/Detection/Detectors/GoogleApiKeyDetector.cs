namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Google API keys: "AIza" followed by exactly 35 chars of [A-Za-z0-9_-], 39 in all, looking random.
/// </summary>
internal sealed class GoogleApiKeyDetector : Detector
{
    public override string Name => "google-api-key";

    public override string EntityType => EntityTypes.GoogleApiKey;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } = ["AIza"];

    public override int MaxLength => 39;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = PrefixedToken.Match(text, index, Keywords, PrefixedToken.AlphanumericDash, 35, 35, 3.5);
        return length > 0;
    }
}
