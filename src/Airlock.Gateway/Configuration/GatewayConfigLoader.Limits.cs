using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Airlock.Gateway.Configuration;

public static partial class GatewayConfigLoader
{
    /// <summary>The largest statement limit: the protocol's own message cap for a logged-in client (64 MiB).</summary>
    private const long MaxStatementCeiling = 64L * 1024 * 1024;

    /// <summary>limits: max_statement (bytes: 1048576, 512kB, 1MB, 1MiB), max_unauthenticated, login_timeout.</summary>
    private static LimitsConfig? ReadLimits(YamlNode node, ConfigReader reader)
    {
        if (reader.Mapping(node, "limits") is not { } limits)
        {
            return null;
        }

        reader.CheckKeys(limits, "limits", "max_statement", "max_unauthenticated", "login_timeout");
        var config = new LimitsConfig();
        if (ConfigReader.Get(limits, "max_statement") is { } s && reader.String(s, "limits.max_statement") is { } text)
        {
            if (ParseBytes(text) is { } bytes && bytes >= 1024 && bytes <= MaxStatementCeiling)
            {
                config = config with { MaxStatement = (int)bytes };
            }
            else
            {
                reader.Report(GatewayErrors.InvalidValue, reader.At(s), "limits.max_statement must be a size from 1kB to 64MB, in bytes or with kB/KiB or MB/MiB (1024-based, as PostgreSQL reads them), e.g. 1MB");
            }
        }

        if (ConfigReader.Get(limits, "max_unauthenticated") is { } u && reader.Integer(u, "limits.max_unauthenticated", 1, 100_000) is { } unauthenticated)
        {
            config = config with { MaxUnauthenticated = unauthenticated };
        }

        if (ConfigReader.Get(limits, "login_timeout") is { } t && reader.Duration(t, "limits.login_timeout") is { } timeout)
        {
            if (timeout <= TimeSpan.FromMinutes(5))
            {
                config = config with { LoginTimeout = timeout };
            }
            else
            {
                reader.Report(GatewayErrors.InvalidValue, reader.At(t), "limits.login_timeout must be at most 5m: an unauthenticated connection holds a seat that long");
            }
        }

        return config;
    }

    /// <summary>A size in bytes: digits, then optionally kB, KiB, MB or MiB (each 1024-based).</summary>
    private static long? ParseBytes(string text)
    {
        var t = text.Trim();
        var digits = 0;
        while (digits < t.Length && char.IsAsciiDigit(t[digits]))
        {
            digits++;
        }

        if (digits == 0 || digits > 12 || !long.TryParse(t.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        long? factor = t[digits..].Trim() switch
        {
            "" or "B" => 1,
            "kB" or "KiB" => 1024,
            "MB" or "MiB" => 1024 * 1024,
            _ => null,
        };
        return factor is { } f ? number * f : null;
    }
}
