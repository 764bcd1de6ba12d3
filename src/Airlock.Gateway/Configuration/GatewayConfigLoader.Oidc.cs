using Airlock.Policy.Loading;
using YamlDotNet.RepresentationModel;

namespace Airlock.Gateway.Configuration;

public static partial class GatewayConfigLoader
{
    /// <summary>A clock skew beyond this is a typo: a token would outlive its exp by more than a coffee break.</summary>
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <c>oidc:</c>, the identity provider whose tokens are accepted:
    /// <c>{ issuer, audience, groups_claim, username_claim, algorithms, clock_skew, mfa: { amr, acr }, require_https_metadata, client_id, scopes }</c>.
    /// </summary>
    private static OidcConfig? ReadOidc(YamlNode node, ConfigReader reader)
    {
        if (reader.Mapping(node, "oidc") is not { } oidc)
        {
            return null;
        }

        reader.CheckKeys(oidc, "oidc", "issuer", "audience", "groups_claim", "username_claim", "algorithms", "clock_skew", "mfa", "require_https_metadata", "client_id", "scopes");
        var requireHttps = ConfigReader.Get(oidc, "require_https_metadata") is { } h ? reader.Boolean(h, "oidc.require_https_metadata") : true;
        var issuer = reader.Require(oidc, "issuer", "oidc") is { } i ? ReadIssuer(i, requireHttps ?? true, reader) : null;
        var audiences = reader.Require(oidc, "audience", "oidc") is { } a ? ReadWords(a, "oidc.audience", reader, allowSingle: true) : null;
        var groupsClaim = ConfigReader.Get(oidc, "groups_claim") is { } g ? reader.String(g, "oidc.groups_claim") : "groups";
        var usernameClaims = ConfigReader.Get(oidc, "username_claim") is { } u
            ? (reader.String(u, "oidc.username_claim") is { } claim ? [claim] : null)
            : OidcConfig.DefaultUsernameClaims;
        var algorithms = ConfigReader.Get(oidc, "algorithms") is { } al ? ReadAlgorithms(al, reader) : OidcConfig.DefaultAlgorithms;
        var skew = ConfigReader.Get(oidc, "clock_skew") is { } s ? ReadClockSkew(s, reader) : TimeSpan.FromSeconds(60);
        var (amr, acr, mfaValid) = ConfigReader.Get(oidc, "mfa") is { } m ? ReadMfa(m, reader) : (OidcConfig.DefaultMfaAmr, [], true);

        // Only airlock login (the device flow) needs these; a gateway that takes IdP tokens from elsewhere does not.
        var clientIdNode = ConfigReader.Get(oidc, "client_id");
        var clientId = clientIdNode is null ? null : reader.String(clientIdNode, "oidc.client_id");
        var scopes = ConfigReader.Get(oidc, "scopes") is { } sc ? ReadWords(sc, "oidc.scopes", reader, allowSingle: false) : OidcConfig.DefaultScopes;
        if ((clientIdNode is not null && clientId is null) || scopes is null)
        {
            return null;
        }

        if (issuer is null || audiences is null || groupsClaim is null || usernameClaims is null || algorithms is null || skew is null || !mfaValid || requireHttps is null)
        {
            return null;
        }

        return new OidcConfig
        {
            Issuer = issuer,
            Audiences = audiences,
            GroupsClaim = groupsClaim,
            UsernameClaims = usernameClaims,
            Algorithms = algorithms,
            ClockSkew = skew.Value,
            MfaAmr = amr,
            MfaAcr = acr,
            RequireHttpsMetadata = requireHttps.Value,
            ClientId = clientId,
            Scopes = scopes,
            Location = reader.At(oidc),
        };
    }

    /// <summary>An absolute https URL (http too when <c>require_https_metadata: false</c>), kept exactly as written.</summary>
    private static string? ReadIssuer(YamlNode node, bool requireHttps, ConfigReader reader)
    {
        if (reader.String(node, "oidc.issuer") is not { } text)
        {
            return null;
        }

        if (!TryWebhookUrl(text, out var url) || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            reader.Report(GatewayErrors.InvalidValue, reader.At(node), "oidc.issuer must be an absolute https:// URL without query or fragment, exactly as the IdP writes it in iss (e.g. https://login.example.com/realms/prod)");
            return null;
        }

        if (requireHttps && url.Scheme != Uri.UriSchemeHttps)
        {
            reader.Report(GatewayErrors.InvalidValue, reader.At(node), "oidc.issuer must be https:// (discovery and keys are fetched from it); set require_https_metadata: false only for a test IdP on loopback");
            return null;
        }

        return text;
    }

    private static List<string>? ReadAlgorithms(YamlNode node, ConfigReader reader)
    {
        var valid = true;
        foreach (var item in (node as YamlSequenceNode)?.Children ?? [])
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } name } && OidcConfig.WhyNotAllowed(name) is { } why)
            {
                // Only the known unsafe names (none, HS*) are quoted: anything else might be a value pasted into the wrong key.
                reader.Report(GatewayErrors.InvalidValue, reader.At(item), $"oidc.algorithms: {why}; allowed: {string.Join(", ", OidcConfig.SupportedAlgorithms)}");
                valid = false;
            }
        }

        var names = ReadWords(node, "oidc.algorithms", reader, allowSingle: false);
        return valid ? names : null;
    }

    private static TimeSpan? ReadClockSkew(YamlNode node, ConfigReader reader)
    {
        var text = (node as YamlScalarNode)?.Value?.Trim();
        var skew = TimeSpan.Zero;
        if (text is not null && (text == "0" || DurationText.TryParse(text, out skew)) && skew <= MaxClockSkew)
        {
            return skew;
        }

        reader.Report(GatewayErrors.InvalidValue, reader.At(node), "oidc.clock_skew must be a duration from 0 to 5m, such as 30s or 1m");
        return null;
    }

    private static (IReadOnlyList<string> Amr, IReadOnlyList<string> Acr, bool Valid) ReadMfa(YamlNode node, ConfigReader reader)
    {
        if (reader.Mapping(node, "oidc.mfa") is not { } mfa)
        {
            return ([], [], false);
        }

        reader.CheckKeys(mfa, "oidc.mfa", "amr", "acr");
        var amr = ConfigReader.Get(mfa, "amr") is { } a ? ReadWords(a, "oidc.mfa.amr", reader, allowSingle: false) : OidcConfig.DefaultMfaAmr;
        var acr = ConfigReader.Get(mfa, "acr") is { } c ? ReadWords(c, "oidc.mfa.acr", reader, allowSingle: false) : [];
        return (amr ?? [], acr ?? [], amr is not null && acr is not null);
    }

    /// <summary>A list of non-empty strings (or, with <paramref name="allowSingle"/>, one string), duplicates dropped.</summary>
    private static List<string>? ReadWords(YamlNode node, string what, ConfigReader reader, bool allowSingle)
    {
        if (allowSingle && node is YamlScalarNode)
        {
            return reader.String(node, what) is { } single ? [single] : null;
        }

        if (node is not YamlSequenceNode { Children.Count: > 0 } sequence)
        {
            reader.Report(GatewayErrors.InvalidValue, reader.At(node), allowSingle ? $"{what} must be text or a non-empty list of text" : $"{what} must be a non-empty list of text");
            return null;
        }

        var words = new List<string>();
        var valid = true;
        foreach (var item in sequence.Children)
        {
            if (reader.String(item, what) is { } word)
            {
                if (!words.Contains(word, StringComparer.Ordinal))
                {
                    words.Add(word);
                }
            }
            else
            {
                valid = false;
            }
        }

        return valid ? words : null;
    }
}
