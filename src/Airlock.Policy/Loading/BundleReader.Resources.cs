using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;
using Airlock.Policy.Yaml;

namespace Airlock.Policy.Loading;

internal sealed partial class BundleReader
{
    private static readonly Dictionary<string, ResourceType> ResourceTypes = new(StringComparer.Ordinal)
    {
        ["postgres"] = ResourceType.Postgres,
        ["command"] = ResourceType.Command,
        ["http"] = ResourceType.Http,
    };

    private static readonly Dictionary<string, HttpAuthKind> AuthKinds = new(StringComparer.Ordinal)
    {
        ["bearer"] = HttpAuthKind.Bearer,
        ["basic"] = HttpAuthKind.Basic,
        ["header"] = HttpAuthKind.Header,
    };

    private static readonly string[] SslModes = ["disable", "prefer", "require", "verify-ca", "verify-full"];

    private void ReadResource(YamlScalar name, YamlNode value)
    {
        var what = $"resource '{name.Value}'";
        if (Binder.Mapping(value, what) is not { } resource)
        {
            return;
        }

        Binder.CheckKeys(resource, what, "type", "description", "labels", "postgres", "command", "http", "sessions");
        if (resource["type"] is not { } typeNode)
        {
            Binder.Report(PolicyErrors.MissingKey, name.Location, $"{what} needs 'type': postgres, command or http");
            return;
        }

        if (Binder.Choice(typeNode, "type", ResourceTypes) is not { } type)
        {
            return;
        }

        // Exactly the connection block of the resource's own type, so a typo cannot silently drop settings.
        foreach (var (blockType, blockName) in new[] { (ResourceType.Postgres, "postgres"), (ResourceType.Command, "command"), (ResourceType.Http, "http") })
        {
            if (blockType != type && resource[blockName] is { } stray)
            {
                Binder.Report(PolicyErrors.InvalidValue, stray.Location, $"{what} is of type '{typeNode.AsText()}' and cannot have a '{blockName}' block");
            }
        }

        var labels = resource["labels"] is { } l ? ReadLabels(l) : new Dictionary<string, string>(StringComparer.Ordinal);
        var definition = new ResourceDefinition
        {
            Name = name.Value,
            Type = type,
            Labels = labels,
            Sessions = resource["sessions"] is { } s ? ReadSessionLimits(s, $"sessions of {what}") : null,
            Location = name.Location,
        };

        var block = resource[typeNode.AsText()];
        if (block is null)
        {
            Binder.Report(PolicyErrors.MissingKey, name.Location, $"{what} needs a '{typeNode.AsText()}' block with its connection settings");
            _resources.Add(definition);
            return;
        }

        _resources.Add(type switch
        {
            ResourceType.Postgres => definition with { Postgres = ReadPostgres(block, what) },
            ResourceType.Command => definition with { Command = ReadCommand(block, what) },
            _ => definition with { Http = ReadHttp(block, what) },
        });
    }

    private Dictionary<string, string> ReadLabels(YamlNode node)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Binder.Mapping(node, "labels") is not { } mapping)
        {
            return labels;
        }

        foreach (var (key, value) in mapping.Entries)
        {
            if (SecretScanner.IsSecretName(key.Value))
            {
                Binder.Report(PolicyErrors.LiteralSecret, value.Location, $"label '{key.Value}' looks like a secret; labels are for selecting resources, and secrets belong in env:NAME or file:PATH");
            }
            else if (Binder.ValidName(key, "label name") && Binder.String(value, $"label '{key.Value}'") is { } text)
            {
                labels[key.Value] = text;
            }
        }

        return labels;
    }

    private PostgresConnection? ReadPostgres(YamlNode node, string what)
    {
        if (Binder.Mapping(node, $"postgres settings of {what}") is not { } pg)
        {
            return null;
        }

        Binder.CheckKeys(pg, $"postgres settings of {what}", "host", "port", "database", "user", "password", "sslmode");
        var host = Required(pg, "host", what);
        var database = Required(pg, "database", what);
        var user = Required(pg, "user", what);
        var port = pg["port"] is { } p ? Binder.Integer(p, "port", 1, 65535) : 5432;
        var password = pg["password"] is { } pw ? ReadSecret(pw, "password") : null;
        var sslMode = "prefer";
        if (pg["sslmode"] is { } ssl && Binder.String(ssl, "sslmode") is { } mode)
        {
            if (Array.IndexOf(SslModes, mode) < 0)
            {
                Binder.Report(PolicyErrors.InvalidValue, ssl.Location, $"sslmode '{mode}' is not one of: {string.Join(", ", SslModes)}");
            }

            sslMode = mode;
        }

        return host is null || database is null || user is null || port is null
            ? null
            : new PostgresConnection(host, (int)port, database, user, password, sslMode);
    }

    private CommandConnection? ReadCommand(YamlNode node, string what)
    {
        if (Binder.Mapping(node, $"command settings of {what}") is not { } command)
        {
            return null;
        }

        Binder.CheckKeys(command, $"command settings of {what}", "workdir", "env", "timeout");
        var environment = new Dictionary<string, SettingValue>(StringComparer.Ordinal);
        if (command["env"] is { } envNode && Binder.Mapping(envNode, "env") is { } env)
        {
            foreach (var (key, value) in env.Entries)
            {
                if (value is YamlScalar scalar && SecretReferences.TryParse(scalar.Value, out var secret))
                {
                    environment[key.Value] = new SettingValue(null, secret);
                }
                else if (SecretScanner.IsSecretName(key.Value))
                {
                    Binder.Report(PolicyErrors.LiteralSecret, value.Location, $"env '{key.Value}' looks like a secret; write it as env:NAME or file:PATH, never literally");
                }
                else if (Binder.String(value, $"env '{key.Value}'") is { } literal)
                {
                    environment[key.Value] = new SettingValue(literal, null);
                }
            }
        }

        var workdir = command["workdir"] is { } w ? Binder.String(w, "workdir") : null;
        var timeout = command["timeout"] is { } t ? Binder.Duration(t, "timeout") : TimeSpan.FromSeconds(30);
        return new CommandConnection(workdir, environment, timeout ?? TimeSpan.FromSeconds(30));
    }

    private HttpConnection? ReadHttp(YamlNode node, string what)
    {
        if (Binder.Mapping(node, $"http settings of {what}") is not { } http)
        {
            return null;
        }

        Binder.CheckKeys(http, $"http settings of {what}", "base_url", "auth", "headers", "timeout");
        Uri? baseUrl = null;
        if (http["base_url"] is { } urlNode && Binder.String(urlNode, "base_url") is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            {
                Binder.Report(PolicyErrors.InvalidValue, urlNode.Location, "base_url must be an absolute http or https URL");
                baseUrl = null;
            }
        }
        else if (http["base_url"] is null)
        {
            Binder.Report(PolicyErrors.MissingKey, http.Location, $"http settings of {what} need 'base_url'");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (http["headers"] is { } headerNode && Binder.Mapping(headerNode, "headers") is { } headerMap)
        {
            foreach (var (key, value) in headerMap.Entries)
            {
                if (SecretScanner.IsSecretHeader(key.Value))
                {
                    Binder.Report(PolicyErrors.LiteralSecret, value.Location, $"header '{key.Value}' carries credentials; put them in 'auth' with a secret reference instead");
                }
                else if (Binder.String(value, $"header '{key.Value}'") is { } text)
                {
                    headers[key.Value] = text;
                }
            }
        }

        var auth = http["auth"] is { } a ? ReadHttpAuth(a) : null;
        var timeout = http["timeout"] is { } t ? Binder.Duration(t, "timeout") : TimeSpan.FromSeconds(30);
        return baseUrl is null ? null : new HttpConnection(baseUrl, auth, headers, timeout ?? TimeSpan.FromSeconds(30));
    }

    private HttpAuth? ReadHttpAuth(YamlNode node)
    {
        if (Binder.Mapping(node, "auth") is not { } auth)
        {
            return null;
        }

        Binder.CheckKeys(auth, "auth", "type", "token", "user", "password", "header", "value");
        if (auth["type"] is not { } typeNode)
        {
            Binder.Report(PolicyErrors.MissingKey, auth.Location, "auth needs 'type': bearer, basic or header");
            return null;
        }

        if (Binder.Choice(typeNode, "auth type", AuthKinds) is not { } kind)
        {
            return null;
        }

        var secretKey = kind switch { HttpAuthKind.Bearer => "token", HttpAuthKind.Basic => "password", _ => "value" };
        if (auth[secretKey] is not { } secretNode)
        {
            Binder.Report(PolicyErrors.MissingKey, auth.Location, $"{typeNode.AsText()} auth needs '{secretKey}' as env:NAME or file:PATH");
            return null;
        }

        var secret = ReadSecret(secretNode, secretKey);
        var user = auth["user"] is { } u ? Binder.String(u, "user") : null;
        var header = auth["header"] is { } h ? Binder.String(h, "header") : null;
        if (kind == HttpAuthKind.Header && header is null)
        {
            Binder.Report(PolicyErrors.MissingKey, auth.Location, "header auth needs 'header', the name of the header to set");
        }

        return secret is null ? null : new HttpAuth(kind, secret, user, header);
    }

    /// <summary>A value that must be a secret reference; anything else is a literal secret and an error.</summary>
    private SecretReference? ReadSecret(YamlNode node, string what)
    {
        if (node is YamlScalar { IsNull: false } scalar)
        {
            if (SecretReferences.TryParse(scalar.Value, out var reference))
            {
                return reference;
            }

            // Never echo the value: it may be a real secret that someone pasted by mistake.
            Binder.Report(PolicyErrors.LiteralSecret, node.Location, $"'{what}' is written literally; write it as env:NAME or file:PATH so the secret stays out of git");
            return null;
        }

        Binder.Report(PolicyErrors.WrongType, node.Location, $"'{what}' must be a secret reference such as env:NAME or file:PATH");
        return null;
    }

    private string? Required(YamlMapping mapping, string key, string what)
    {
        if (mapping[key] is { } node)
        {
            return Binder.String(node, key);
        }

        Binder.Report(PolicyErrors.MissingKey, mapping.Location, $"connection settings of {what} need '{key}'");
        return null;
    }
}

internal static class YamlNodeText
{
    public static string AsText(this YamlNode node) => node is YamlScalar scalar ? scalar.Value : string.Empty;
}
