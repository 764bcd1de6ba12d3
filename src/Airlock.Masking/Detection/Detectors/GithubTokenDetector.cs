namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// GitHub tokens in the 2021 format ("Behind GitHub's new authentication token formats"): ghp_ (personal),
/// gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server), ghr_ (refresh) followed by exactly 36
/// alphanumerics, and fine-grained personal tokens github_pat_ followed by 82 chars of [A-Za-z0-9_].
/// The body must look random.
/// </summary>
internal sealed class GithubTokenDetector : Detector
{
    private static readonly string[] Classic = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"];
    private static readonly string[] FineGrained = ["github_pat_"];

    public override string Name => "github-token";

    public override string EntityType => EntityTypes.GithubToken;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } = [.. Classic, .. FineGrained];

    public override int MaxLength => 93;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = PrefixedToken.Match(text, index, Classic, PrefixedToken.Alphanumeric, 36, 36, 3.5);
        if (length == 0)
        {
            length = PrefixedToken.Match(text, index, FineGrained, PrefixedToken.AlphanumericUnderscore, 60, 82, 4.0);
        }

        return length > 0;
    }
}
