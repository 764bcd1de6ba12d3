using System.Net;

namespace Airlock.Gateway.Configuration;

/// <summary>
/// A <c>host:port</c> to listen on. The host is an IP address (<c>[::1]</c> in brackets for IPv6) or
/// <c>localhost</c>; port 0 asks the system for a free port (tests use it).
/// </summary>
public sealed record ListenAddress(string Host, int Port)
{
    public IPEndPoint ToEndPoint() =>
        new(string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(Host), Port);

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses <c>host:port</c>; false when it is not one.</summary>
    public static bool TryParse(string text, out ListenAddress address)
    {
        address = null!;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }
        }
        else if (!string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            && (!IPAddress.TryParse(host, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || host.Count(c => c == '.') != 3))
        {
            // IPAddress.TryParse takes "1" as 0.0.0.1; only a dotted quad is an IPv4 address here.
            return false;
        }

        if (!int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return false;
        }

        address = new ListenAddress(host, port);
        return true;
    }
}
