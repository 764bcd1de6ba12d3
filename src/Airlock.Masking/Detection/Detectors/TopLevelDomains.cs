using System.Collections.Frozen;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Top-level domains in real use: the generic ones people have addresses under, and every two-letter
/// country code (ISO 3166-1 alpha-2, as delegated in the IANA root zone). Anything else after the last dot
/// (<c>.local</c>, <c>.internal</c>, <c>.java</c>) is not an email domain.
/// </summary>
internal static class TopLevelDomains
{
    private static readonly FrozenSet<string> Generic = new[]
    {
        "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "aero", "coop", "museum", "mobi", "asia",
        "tel", "travel", "jobs", "cat", "io", "ai", "app", "dev", "cloud", "tech", "online", "site", "store", "shop", "blog",
        "email", "mail", "company", "solutions", "services", "digital", "agency", "media", "network", "systems", "software",
        "finance", "bank", "money", "capital", "ventures", "group", "global", "world", "live", "life", "news", "today", "xyz",
        "me", "tv", "cc", "ly", "gg", "so", "page", "health", "law", "legal", "consulting", "design", "studio", "team", "work",
        "example", "test",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // ISO 3166-1 alpha-2 codes delegated as ccTLDs (plus uk and eu).
    private const string CountryCodes =
        "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz "
        + "de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it "
        + "je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng "
        + "ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th "
        + "tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw";

    private static readonly FrozenSet<string> Countries = CountryCodes.Split(' ').ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static bool IsKnown(ReadOnlySpan<char> tld)
    {
        var lookup = tld.Length == 2 ? Countries.GetAlternateLookup<ReadOnlySpan<char>>() : Generic.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.Contains(tld);
    }
}
