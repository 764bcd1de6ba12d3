using System.Text.RegularExpressions;
using Airlock.Gateway.Secrets;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;
using Airlock.Store;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace Airlock.Gateway.Configuration;

public static partial class GatewayConfigLoader
{
    /// <summary>The sslmode values policy accepts for a postgres resource; an override may use the same.</summary>
    private static readonly string[] SslModes = ["disable", "prefer", "require", "verify-ca", "verify-full"];

    private static GatewayConfig? Bind(YamlMappingNode root, string fullPath, ConfigReader reader, SecretResolver secrets)
    {
        reader.CheckKeys(root, "the configuration file", TopLevelKeys);
        var listen = reader.Require(root, "listen", "the configuration file") is { } l ? ReadListen(l, reader) : null;
        var policy = reader.Require(root, "policy", "the configuration file") is { } p ? reader.Path(p, "policy") : null;
        var store = reader.Require(root, "store", "the configuration file") is { } s ? ReadStore(s, reader, secrets) : null;
        var instance = ConfigReader.Get(root, "instance") is { } i ? ReadName(i, "instance", reader) : Environment.MachineName;
        var audit = ConfigReader.Get(root, "audit") is { } a ? ReadAudit(a, reader) : new AuditConfig();
        var tls = ConfigReader.Get(root, "tls") is { } t ? ReadTls(t, reader) : null;
        var users = ConfigReader.Get(root, "users") is { } u ? ReadUsers(u, reader) : [];
        var admin = ConfigReader.Get(root, "admin") is { } ad ? ReadAdmin(ad, reader) : new AdminConfig();
        var upstreams = ConfigReader.Get(root, "upstreams") is { } up ? ReadUpstreams(up, reader) : new Dictionary<string, UpstreamOverride>(StringComparer.Ordinal);
        var webhooks = ConfigReader.Get(root, "webhooks") is { } w ? ReadWebhooks(w, reader) : [];
        var oidc = ConfigReader.Get(root, "oidc") is { } o ? ReadOidc(o, reader) : null;
        var maxPending = ConfigReader.Get(root, "approvals") is { } ap ? ReadApprovals(ap, reader) : Pipeline.ActionApprovals.DefaultMaxPendingPerUser;
        var limits = ConfigReader.Get(root, "limits") is { } lim ? ReadLimits(lim, reader) : new LimitsConfig();

        if (listen is null || policy is null || store is null || instance is null || audit is null || limits is null)
        {
            return null;
        }

        return new GatewayConfig
        {
            SourceFile = fullPath,
            Listen = listen,
            PolicyDirectory = policy,
            Store = store,
            Instance = instance,
            Audit = audit,
            Tls = tls,
            Users = users,
            Admin = admin,
            Upstreams = upstreams,
            Webhooks = webhooks,
            Oidc = oidc,
            MaxPendingPerUser = maxPending,
            Limits = limits,
        };
    }

    /// <summary><c>approvals: { max_pending_per_user: 20 }</c>: how many requests one person may have waiting (issue 14, class I).</summary>
    private static int ReadApprovals(YamlNode node, ConfigReader reader)
    {
        var fallback = Pipeline.ActionApprovals.DefaultMaxPendingPerUser;
        if (reader.Mapping(node, "approvals") is not { } approvals)
        {
            return fallback;
        }

        reader.CheckKeys(approvals, "approvals", "max_pending_per_user");
        if (ConfigReader.Get(approvals, "max_pending_per_user") is not { } value)
        {
            return fallback;
        }

        if ((value as YamlScalarNode)?.Value?.Trim() is { } text && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var max) && max is >= 1 and <= 10_000)
        {
            return max;
        }

        reader.Report(GatewayErrors.InvalidValue, reader.At(value), "approvals.max_pending_per_user must be a whole number from 1 to 10000: how many requests one person may have waiting for approvers");
        return fallback;
    }

    private static ListenConfig? ReadListen(YamlNode node, ConfigReader reader)
    {
        if (reader.Mapping(node, "listen") is not { } listen)
        {
            return null;
        }

        reader.CheckKeys(listen, "listen", "postgres", "http");
        var postgres = reader.Require(listen, "postgres", "listen") is { } p ? ReadAddress(p, "listen.postgres", reader) : null;
        var http = ConfigReader.Get(listen, "http") is { } h ? ReadAddress(h, "listen.http", reader) : null;
        return postgres is null ? null : new ListenConfig { Postgres = postgres, Http = http };
    }

    private static ListenAddress? ReadAddress(YamlNode node, string what, ConfigReader reader)
    {
        if (reader.String(node, what) is not { } text)
        {
            return null;
        }

        if (ListenAddress.TryParse(text.Trim(), out var address))
        {
            return address;
        }

        reader.Report(GatewayErrors.InvalidValue, reader.At(node), $"{what} must be host:port, with an IP address or localhost as host (e.g. 127.0.0.1:15432, [::1]:15432) and a port from 0 to 65535");
        return null;
    }

    /// <summary>
    /// <see cref="StoreLocation.Parse"/>'s forms, with an SQLite path made relative to the configuration file.
    /// A password written in the file (a URL's user:password@, Password= in a connection string) is a literal
    /// secret: the location goes in an environment variable instead (<c>store: env:NAME</c>).
    /// </summary>
    private static StoreLocation? ReadStore(YamlNode node, ConfigReader reader, SecretResolver secrets)
    {
        if (reader.String(node, "store") is not { } text)
        {
            return null;
        }

        text = text.Trim();
        var fromEnvironment = false;
        if (text.StartsWith("env:", StringComparison.Ordinal))
        {
            if (!Policy.Loading.SecretReferences.TryParse(text, out var reference))
            {
                reader.Report(GatewayErrors.InvalidValue, reader.At(node), "store: env: must name an environment variable (letters, digits and _)");
                return null;
            }

            if (!secrets.TryResolve(reference, out var value, out var error))
            {
                reader.Report(GatewayErrors.SecretUnresolved, reader.At(node), $"store: {error}");
                return null;
            }

            text = value.Trim();
            fromEnvironment = true;
        }

        try
        {
            var location = IsSqlite(text, out var sqlitePath)
                ? StoreLocation.Sqlite(reader.FullPath(sqlitePath))
                : StoreLocation.Parse(text);
            if (!fromEnvironment && location.Kind == StoreKind.Postgres && new NpgsqlConnectionStringBuilder(location.Target).Password is { Length: > 0 })
            {
                reader.Report(GatewayErrors.LiteralSecret, reader.At(node), "store: the PostgreSQL location holds a password; put the whole location in an environment variable and write store: env:NAME");
                return null;
            }

            return location;
        }
        catch (StoreException ex)
        {
            // StoreLocation's messages never quote the connection string (it may hold a password).
            reader.Report(GatewayErrors.InvalidValue, reader.At(node), $"store: {ex.Message}");
            return null;
        }
    }

    private static bool IsSqlite(string text, out string path)
    {
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) && text.Length > 7)
        {
            path = text[7..];
            return true;
        }

        path = text;
        return !text.StartsWith("postgres", StringComparison.OrdinalIgnoreCase)
            && (text.EndsWith(".db", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".sqlite", StringComparison.OrdinalIgnoreCase));
    }

    private static AuditConfig? ReadAudit(YamlNode node, ConfigReader reader)
    {
        if (reader.Mapping(node, "audit") is not { } audit)
        {
            return null;
        }

        reader.CheckKeys(audit, "audit", "durability", "required", "signing_key", "checkpoint");
        var config = new AuditConfig();
        if (ConfigReader.Get(audit, "durability") is { } d && reader.Choice(d, "audit.durability", "crash", "power") is { } durability)
        {
            config = config with { Durability = durability == "power" ? AuditDurability.Power : AuditDurability.Crash };
        }

        if (ConfigReader.Get(audit, "required") is { } r && reader.Boolean(r, "audit.required") is { } required)
        {
            config = config with { Required = required };
        }

        if (ConfigReader.Get(audit, "signing_key") is { } k)
        {
            config = config with { SigningKey = reader.Secret(k, "audit.signing_key") };
        }

        if (ConfigReader.Get(audit, "checkpoint") is { } c && reader.Mapping(c, "audit.checkpoint") is { } checkpoint)
        {
            reader.CheckKeys(checkpoint, "audit.checkpoint", "every_events", "every");
            if (ConfigReader.Get(checkpoint, "every_events") is { } e && reader.Integer(e, "audit.checkpoint.every_events", 1, 100_000_000) is { } events)
            {
                config = config with { CheckpointEveryEvents = events };
            }

            if (ConfigReader.Get(checkpoint, "every") is { } v && reader.Duration(v, "audit.checkpoint.every") is { } every)
            {
                config = config with { CheckpointInterval = every };
            }
        }

        return config;
    }

    private static TlsConfig? ReadTls(YamlNode node, ConfigReader reader)
    {
        if (reader.Mapping(node, "tls") is not { } tls)
        {
            return null;
        }

        reader.CheckKeys(tls, "tls", "certificate", "key", "require");
        var certificate = reader.Require(tls, "certificate", "tls") is { } c ? reader.NonSecretReference(c, "tls.certificate") : null;
        var key = reader.Require(tls, "key", "tls") is { } k ? reader.Secret(k, "tls.key") : null;
        var require = ConfigReader.Get(tls, "require") is { } r && reader.Boolean(r, "tls.require") == true;
        return certificate is null || key is null ? null : new TlsConfig { Certificate = certificate, Key = key, Require = require };
    }

    private static List<StaticUserConfig> ReadUsers(YamlNode node, ConfigReader reader)
    {
        var users = new List<StaticUserConfig>();
        if (reader.Mapping(node, "users") is not { } mapping)
        {
            return users;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                continue; // reported by the key check of the mapping below
            }

            var what = $"user '{name}'";
            if (!NamePattern().IsMatch(name))
            {
                reader.Report(GatewayErrors.InvalidValue, reader.At(keyNode), $"{what}: a user name has letters, digits and . _ @ - only, and starts with a letter or digit");
                continue;
            }

            // An IdP user whose IdP gives no MFA claim is listed for TOTP alone: { totp: file:… }, no token.
            if (value is YamlMappingNode { Children.Count: 1 } only && ConfigReader.Get(only, "totp") is { } totpOnly)
            {
                if (reader.Secret(totpOnly, $"{what}: totp") is { } secret)
                {
                    users.Add(new StaticUserConfig { Name = name, Totp = secret, Location = reader.At(keyNode) });
                }

                continue;
            }

            if (ReadToken(value, what, reader, allowName: false, out _) is { } token)
            {
                var totp = value is YamlMappingNode m && ConfigReader.Get(m, "totp") is { } t ? reader.Secret(t, $"{what}: totp") : null;
                users.Add(new StaticUserConfig { Name = name, Token = token, Totp = totp, Location = reader.At(keyNode) });
            }
        }

        foreach (var keyNode in mapping.Children.Keys.Where(k => k is not YamlScalarNode))
        {
            reader.Report(GatewayErrors.InvalidValue, reader.At(keyNode), $"keys of users must be user names, not {ConfigReader.Describe(keyNode)}");
        }

        return users;
    }

    private static AdminConfig ReadAdmin(YamlNode node, ConfigReader reader)
    {
        if (reader.Mapping(node, "admin") is not { } admin)
        {
            return new AdminConfig();
        }

        reader.CheckKeys(admin, "admin", "tokens", "people");
        var people = ConfigReader.Get(admin, "people") is { } p ? ReadAdminPeople(p, reader) : null;
        var tokens = new List<AdminTokenConfig>();
        if (ConfigReader.Get(admin, "tokens") is not { } list)
        {
            return new AdminConfig { People = people };
        }

        if (list is not YamlSequenceNode sequence)
        {
            reader.Report(GatewayErrors.InvalidValue, reader.At(list), $"admin.tokens must be a list, not {ConfigReader.Describe(list)}");
            return new AdminConfig { People = people };
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in sequence.Children)
        {
            var what = $"admin token {tokens.Count + 1}";
            if (ReadToken(item, what, reader, allowName: true, out var name) is not { } token)
            {
                continue;
            }

            name ??= $"admin-{tokens.Count + 1}";
            if (!names.Add(name))
            {
                reader.Report(GatewayErrors.InvalidValue, reader.At(item), $"{what}: the name '{name}' is used by another admin token");
                continue;
            }

            tokens.Add(new AdminTokenConfig { Name = name, Token = token, Location = reader.At(item) });
        }

        return new AdminConfig { Tokens = tokens, People = people };
    }

    /// <summary><c>admin.people: { groups: [NAME, …], mfa: 15m }</c>.</summary>
    private static AdminPeopleConfig? ReadAdminPeople(YamlNode node, ConfigReader reader)
    {
        if (reader.Mapping(node, "admin.people") is not { } people)
        {
            return null;
        }

        reader.CheckKeys(people, "admin.people", "groups", "mfa");
        var groups = reader.Require(people, "groups", "admin.people") is { } g ? ReadWords(g, "admin.people.groups", reader, allowSingle: false) : null;
        var mfa = AdminPeopleConfig.DefaultMfaWithin;
        if (ConfigReader.Get(people, "mfa") is { } m
            && !((m as YamlScalarNode)?.Value?.Trim() is { } text && DurationText.TryParse(text, out mfa) && mfa > TimeSpan.Zero && mfa <= ApprovalRequirement.MaxMfaWithin))
        {
            reader.Report(GatewayErrors.InvalidValue, reader.At(m), "admin.people.mfa must be a duration from 1s to 24h, such as 15m: how recent an admin's MFA must be");
            return null;
        }

        // ReadWords reports an empty or malformed list itself.
        if (groups is not { Count: > 0 })
        {
            return null;
        }

        return new AdminPeopleConfig { Groups = groups, MfaWithin = mfa, Location = reader.At(people) };
    }

    /// <summary><c>{ token_sha256: HEX }</c> or <c>{ token: env:NAME | file:PATH }</c>, exactly one of them.</summary>
    private static TokenCredential? ReadToken(YamlNode node, string what, ConfigReader reader, bool allowName, out string? name)
    {
        name = null;
        if (node is YamlScalarNode scalar && !ConfigReader.IsNull(scalar))
        {
            // "alice: s3cr3t" is a token written in the file; "alice: env:X" is the right idea in the wrong shape.
            var isReference = scalar.Value is { } v && Policy.Loading.SecretReferences.TryParse(v.Trim(), out _);
            reader.Report(
                isReference ? GatewayErrors.InvalidValue : GatewayErrors.LiteralSecret,
                reader.At(node),
                isReference
                    ? $"{what} must be a mapping: {{ token: env:NAME }}, {{ token: file:PATH }} or {{ token_sha256: HEX }}"
                    : $"{what}: a token is a secret; configure {{ token_sha256: HEX }} or {{ token: env:NAME | file:PATH }}, never the token itself (the value is not shown here)");
            return null;
        }

        if (reader.Mapping(node, what) is not { } mapping)
        {
            return null;
        }

        if (allowName)
        {
            reader.CheckKeys(mapping, what, "name", "token_sha256", "token");
            if (ConfigReader.Get(mapping, "name") is { } n)
            {
                name = ReadName(n, $"{what}: name", reader);
            }
        }
        else
        {
            reader.CheckKeys(mapping, what, "token_sha256", "token", "totp");
        }

        var hashNode = ConfigReader.Get(mapping, "token_sha256");
        var tokenNode = ConfigReader.Get(mapping, "token");
        if (hashNode is not null && tokenNode is not null)
        {
            reader.Report(GatewayErrors.InvalidValue, reader.At(mapping), $"{what} has both token_sha256 and token; give one");
            return null;
        }

        if (hashNode is null && tokenNode is null)
        {
            reader.Report(GatewayErrors.MissingKey, reader.At(mapping), $"{what} needs 'token_sha256' (the SHA-256 of the token, in hex) or 'token' (env:NAME or file:PATH){(allowName ? string.Empty : ", or only 'totp' for a user who logs in through the IdP")}");
            return null;
        }

        if (tokenNode is not null)
        {
            return reader.Secret(tokenNode, $"{what}: token") is { } secret ? new TokenCredential { Secret = secret } : null;
        }

        if (hashNode is YamlScalarNode { Value: { Length: 64 } hex } && hex.All(char.IsAsciiHexDigit))
        {
            return new TokenCredential { Sha256 = Convert.FromHexString(hex) };
        }

        reader.Report(GatewayErrors.InvalidValue, reader.At(hashNode!), $"{what}: token_sha256 must be 64 hex digits, the SHA-256 of the token (printf %s \"$TOKEN\" | sha256sum)");
        return null;
    }

    private static Dictionary<string, UpstreamOverride> ReadUpstreams(YamlNode node, ConfigReader reader)
    {
        var upstreams = new Dictionary<string, UpstreamOverride>(StringComparer.Ordinal);
        if (reader.Mapping(node, "upstreams") is not { } mapping)
        {
            return upstreams;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } resource })
            {
                reader.Report(GatewayErrors.InvalidValue, reader.At(keyNode), $"keys of upstreams must be resource names, not {ConfigReader.Describe(keyNode)}");
                continue;
            }

            var what = $"upstream '{resource}'";
            if (reader.Mapping(value, what) is not { } settings)
            {
                continue;
            }

            reader.CheckKeys(settings, what, "host", "port", "database", "user", "password", "sslmode");
            var upstream = new UpstreamOverride
            {
                Resource = resource,
                Location = reader.At(keyNode),
                Host = ConfigReader.Get(settings, "host") is { } h ? reader.String(h, $"{what}: host") : null,
                Port = ConfigReader.Get(settings, "port") is { } p ? reader.Integer(p, $"{what}: port", 1, 65535) : null,
                Database = ConfigReader.Get(settings, "database") is { } d ? reader.String(d, $"{what}: database") : null,
                User = ConfigReader.Get(settings, "user") is { } u ? reader.String(u, $"{what}: user") : null,
                Password = ConfigReader.Get(settings, "password") is { } pw ? reader.Secret(pw, $"{what}: password") : null,
                SslMode = ConfigReader.Get(settings, "sslmode") is { } s ? reader.Choice(s, $"{what}: sslmode", SslModes) : null,
            };
            upstreams[resource] = upstream;
        }

        return upstreams;
    }

    private static string? ReadName(YamlNode node, string what, ConfigReader reader)
    {
        if (reader.String(node, what) is not { } name)
        {
            return null;
        }

        if (!NamePattern().IsMatch(name))
        {
            reader.Report(GatewayErrors.InvalidValue, reader.At(node), $"{what} may have letters, digits and . _ @ - only (at most 128), starting with a letter or digit");
            return null;
        }

        return name;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._@\-]{0,127}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex NamePattern();
}
