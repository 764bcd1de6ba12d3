using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Airlock.Cli.Gateway;

/// <summary>
/// <c>airlock login</c>, <c>airlock logout</c>, <c>airlock whoami</c> and <c>airlock connect RESOURCE</c>: you log in at your identity
/// provider in a browser (the OAuth 2.0 device authorization grant, RFC 8628, so it works over ssh and in a
/// terminal without a local web server), the gateway exchanges the IdP's token for a short-lived Airlock session
/// token, and psql logs in with that. The token lives in a file only you can read; it never goes on a command
/// line, where shell history and <c>ps</c> would keep it.
/// </summary>
internal static class LoginCommands
{
    private const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

    public static Command Login(CliContext context)
    {
        var gateway = GatewayOption();
        var configDir = ConfigDirOption();
        var command = new Command("login", "Log in through your identity provider (device code in the browser) and keep an Airlock session token for psql and the CLI.") { gateway, configDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var api = SessionsCommands.ApiClient(parse.GetValue(gateway), authorization: null);
            var (ok, body, failure) = await ReviewsCommands.SendAsync(context, api, new HttpRequestMessage(HttpMethod.Get, new Uri("v1/login", UriKind.Relative)), cancellationToken);
            if (!ok)
            {
                return failure;
            }

            using var setup = JsonDocument.Parse(body);
            var issuer = ReviewsCommands.Text(setup.RootElement, "issuer");
            var clientId = ReviewsCommands.Text(setup.RootElement, "client_id");
            var scopes = string.Join(' ', setup.RootElement.GetProperty("scopes").EnumerateArray().Select(s => TerminalText.Line(s.GetString())));

            using var idp = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
            string? idpToken;
            try
            {
                idpToken = await DeviceFlowAsync(context, idp, issuer, clientId, scopes, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not the gateway's admin API (the CLI's AL0816): the IdP is down, or its address is wrong.
                await context.Error.WriteLineAsync($"airlock: cannot reach the identity provider {issuer} ({ex.Message}); is it up, and is the gateway's oidc.issuer right?");
                return AirlockCli.Unavailable;
            }
            catch (JsonException ex)
            {
                await context.Error.WriteLineAsync($"airlock: the identity provider {issuer} answered with something that is not the JSON of OpenID discovery or the device flow (RFC 8628): {ex.Message}");
                return AirlockCli.Failed;
            }

            if (idpToken is null)
            {
                return AirlockCli.Failed;
            }

            // The exchange: the gateway validates the IdP's token as it validates any, and answers with its own.
            using var exchange = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/login", UriKind.Relative));
            exchange.Headers.Authorization = new AuthenticationHeaderValue("Bearer", idpToken);
            (ok, body, failure) = await ReviewsCommands.SendAsync(context, api, exchange, cancellationToken);
            if (!ok)
            {
                return failure;
            }

            using var answer = JsonDocument.Parse(body);
            var details = answer.RootElement.GetProperty("details");
            var login = new StoredLogin(
                StoredLogins.Key(parse.GetValue(gateway)),
                ReviewsCommands.Text(details, "user"),
                ReviewsCommands.Text(answer.RootElement, "token"),
                ReviewsCommands.Text(details, "id"),
                details.GetProperty("expires_at").GetDateTimeOffset(),
                answer.RootElement.GetProperty("postgres_port").GetInt32());
            var directory = StoredLogins.DirectoryFor(parse.GetValue(configDir));
            var previous = StoredLogins.Find(directory, login.Gateway);
            StoredLogins.Save(directory, login);
            if (previous is not null)
            {
                // One login per gateway: the one it replaces is revoked, not left valid until it expires.
                using var old = SessionsCommands.ApiClient(parse.GetValue(gateway), SessionsCommands.Basic(previous.User, previous.Token));
                using var revoked = await old.PostAsync(new Uri($"v1/logins/{Uri.EscapeDataString(previous.Id)}/revoke", UriKind.Relative), content: null, cancellationToken);
                await context.Error.WriteLineAsync(revoked.IsSuccessStatusCode ? $"replaced login {previous.Id}, now revoked" : $"replaced login {previous.Id}, which had already ended");
            }

            var groups = answer.RootElement.GetProperty("groups").EnumerateArray().Select(g => TerminalText.Line(g.GetString())).ToList();
            await context.Out.WriteLineAsync(
                $"logged in to {login.Gateway} as {login.User} ({(groups.Count == 0 ? "no groups" : "groups: " + string.Join(", ", groups))}) until {login.ExpiresAt.ToUniversalTime():yyyy-MM-dd HH:mm}Z; login {login.Id}");
            await context.Out.WriteLineAsync("connect with: airlock connect RESOURCE");
            return AirlockCli.Ok;
        });
        return command;
    }

    public static Command Logout(CliContext context)
    {
        var gateway = GatewayOption();
        var configDir = ConfigDirOption();
        var command = new Command("logout", "Revoke your Airlock session token at the gateway (its sessions end) and forget it here.") { gateway, configDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = StoredLogins.DirectoryFor(parse.GetValue(configDir));
            var key = StoredLogins.Key(parse.GetValue(gateway));
            if (StoredLogins.Find(directory, key) is not { } login)
            {
                await context.Error.WriteLineAsync($"airlock: not logged in to {key}");
                return AirlockCli.Failed;
            }

            // The pgpass file holds this token for psql: it goes first, whatever the gateway says.
            StoredLogins.RemovePgpass(directory);
            using var api = SessionsCommands.ApiClient(parse.GetValue(gateway), SessionsCommands.Basic(login.User, login.Token));
            HttpResponseMessage response;
            try
            {
                response = await api.PostAsync(new Uri($"v1/logins/{Uri.EscapeDataString(login.Id)}/revoke", UriKind.Relative), content: null, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Kept: forgetting a token the gateway still honours would leave it live with no way to revoke it.
                await context.Error.WriteLineAsync(
                    $"airlock: error AL0816: cannot reach the gateway's admin API ({ex.Message}); login {login.Id} is NOT revoked and is kept here: run airlock logout again when the gateway answers");
                return AirlockCli.Unavailable;
            }

            using (response)
            {
                // 401: the gateway no longer honours the token (expired or revoked), so there is nothing left to
                // revoke and it is forgotten. Any other failure keeps it, so logout can be tried again.
                if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    await context.Error.WriteLineAsync($"airlock: login {login.Id} is NOT revoked and is kept here: run airlock logout again");
                    return await SessionsCommands.FailAsync(context, response, await response.Content.ReadAsStringAsync(cancellationToken));
                }

                StoredLogins.Remove(directory, key);
                await context.Out.WriteLineAsync(response.IsSuccessStatusCode ? $"logged out: login {login.Id} is revoked" : $"logged out: login {login.Id} had already ended");
                return AirlockCli.Ok;
            }
        });
        return command;
    }

    public static Command WhoAmI(CliContext context)
    {
        var gateway = GatewayOption();
        var configDir = ConfigDirOption();
        var command = new Command("whoami", "Show who you are logged in as at a gateway (airlock login), and whether the gateway still honours it.") { gateway, configDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var key = StoredLogins.Key(parse.GetValue(gateway));
            if (StoredLogins.Find(StoredLogins.DirectoryFor(parse.GetValue(configDir)), key) is not { } login)
            {
                await context.Error.WriteLineAsync($"airlock: not logged in to {key}: run airlock login");
                return AirlockCli.Failed;
            }

            // Asked of the gateway, not read from the file: a revoked or expired login says so here.
            using var api = SessionsCommands.ApiClient(parse.GetValue(gateway), SessionsCommands.Basic(login.User, login.Token));
            var (ok, body, failure) = await ReviewsCommands.SendAsync(context, api, new HttpRequestMessage(HttpMethod.Get, new Uri("v1/logins", UriKind.Relative)), cancellationToken);
            if (!ok)
            {
                return failure;
            }

            using var document = JsonDocument.Parse(body);
            var current = document.RootElement.EnumerateArray().FirstOrDefault(l => ReviewsCommands.Text(l, "id") == login.Id);
            var groups = current.ValueKind == JsonValueKind.Object && current.TryGetProperty("groups", out var g) ? g.EnumerateArray().Select(x => TerminalText.Line(x.GetString())).ToList() : [];
            var mfa = current.ValueKind == JsonValueKind.Object && current.TryGetProperty("mfa_at", out var m) && m.ValueKind == JsonValueKind.String ? TerminalText.Line(m.GetString()) : null;
            await context.Out.WriteLineAsync(
                $"{login.User} at {key}: login {login.Id} until {login.ExpiresAt.ToUniversalTime():yyyy-MM-dd HH:mm}Z; IdP groups: {(groups.Count == 0 ? "none" : string.Join(", ", groups))}; MFA: {mfa ?? "none at login"}");
            return AirlockCli.Ok;
        });
        return command;
    }

    public static Command Connect(CliContext context)
    {
        var resource = new Argument<string>("RESOURCE") { Description = "The PostgreSQL resource (its name in policy is the database name)." };
        var psqlArgs = new Argument<string[]>("PSQL-ARGS") { Description = "More arguments for psql, after --.", Arity = ArgumentArity.ZeroOrMore };
        var print = new Option<bool>("--print") { Description = "Print the psql command instead of running it. It reads the token from a pgpass file only you can read, so the command holds no secret." };
        var host = new Option<string?>("--host") { Description = "The gateway's PostgreSQL host (default: the admin API's host).", HelpName = "HOST" };
        var port = new Option<int?>("--port") { Description = "The gateway's PostgreSQL port (default: the one it gave at login).", HelpName = "PORT" };
        var gateway = GatewayOption();
        var configDir = ConfigDirOption();
        var command = new Command("connect", "Run psql through the gateway with your Airlock session token (airlock login first); the token is never on the command line.")
        {
            resource, psqlArgs, print, host, port, gateway, configDir,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = StoredLogins.DirectoryFor(parse.GetValue(configDir));
            var key = StoredLogins.Key(parse.GetValue(gateway));
            var login = StoredLogins.Find(directory, key) ?? throw new CliUsageException($"not logged in to {key}: run airlock login first");
            if (login.ExpiresAt <= context.Time.GetUtcNow())
            {
                throw new CliUsageException($"your login to {key} expired at {login.ExpiresAt.ToUniversalTime():yyyy-MM-dd HH:mm}Z: run airlock login again");
            }

            var pgHost = parse.GetValue(host)
                ?? (Uri.TryCreate(key, UriKind.Absolute, out var gatewayUrl) ? gatewayUrl.DnsSafeHost : throw new CliUsageException($"--gateway '{key}' is not a URL (e.g. http://127.0.0.1:8080)"));
            var pgPort = parse.GetValue(port) ?? login.PostgresPort;
            var database = parse.GetValue(resource)!;
            var conninfo = $"host={Conninfo(pgHost)} port={pgPort.ToString(CultureInfo.InvariantCulture)} user={Conninfo(login.User)} dbname={Conninfo(database)}";
            if (parse.GetValue(print))
            {
                var pgpass = StoredLogins.WritePgpass(directory, pgHost, pgPort, login);
                await context.Out.WriteLineAsync($"PGPASSFILE={Shell(pgpass)} psql {Shell(conninfo)}");
                return AirlockCli.Ok;
            }

            return await RunPsqlAsync(context, conninfo, login.Token, parse.GetValue(psqlArgs) ?? [], cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// RFC 8628: ask the IdP for a device code, tell the user where to enter it, and poll the token endpoint
    /// until they do (or deny, or the code expires). Returns the IdP's ID token (else its access token), or
    /// null after telling the user why not.
    /// </summary>
    private static async Task<string?> DeviceFlowAsync(CliContext context, HttpClient idp, string issuer, string clientId, string scopes, CancellationToken cancellationToken)
    {
        var discoveryUrl = new Uri(issuer.TrimEnd('/') + "/.well-known/openid-configuration");
        RequireSecure(discoveryUrl);
        using var discovery = JsonDocument.Parse(await idp.GetStringAsync(discoveryUrl, cancellationToken));
        var deviceEndpoint = ReviewsCommands.Text(discovery.RootElement, "device_authorization_endpoint");
        var tokenEndpoint = ReviewsCommands.Text(discovery.RootElement, "token_endpoint");
        if (deviceEndpoint.Length == 0 || tokenEndpoint.Length == 0)
        {
            await context.Error.WriteLineAsync($"airlock: the identity provider {issuer} offers no device authorization endpoint; enable the device flow (RFC 8628) for client {clientId} (docs/identity.md)");
            return null;
        }

        RequireSecure(new Uri(deviceEndpoint));
        RequireSecure(new Uri(tokenEndpoint));
        using var device = await idp.PostAsync(new Uri(deviceEndpoint), Form(("client_id", clientId), ("scope", scopes)), cancellationToken);
        var deviceBody = await device.Content.ReadAsStringAsync(cancellationToken);
        if (!device.IsSuccessStatusCode)
        {
            await context.Error.WriteLineAsync($"airlock: the identity provider refused the device login ({(int)device.StatusCode}): {OAuthError(deviceBody)}");
            return null;
        }

        using var grant = JsonDocument.Parse(deviceBody);
        var deviceCode = ReviewsCommands.Text(grant.RootElement, "device_code");
        var userCode = ReviewsCommands.Text(grant.RootElement, "user_code");
        var verify = ReviewsCommands.Text(grant.RootElement, "verification_uri");
        var verifyComplete = ReviewsCommands.Text(grant.RootElement, "verification_uri_complete");
        var expiresIn = grant.RootElement.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? seconds : 600;
        var interval = TimeSpan.FromSeconds(grant.RootElement.TryGetProperty("interval", out var i) && i.TryGetInt32(out var every) ? every : 5);

        await context.Error.WriteLineAsync($"To log in, open {verify} and enter the code {userCode}");
        if (verifyComplete.Length > 0)
        {
            await context.Error.WriteLineAsync($"  (or open {verifyComplete})");
        }

        await context.Error.WriteLineAsync($"Waiting for you to log in (the code is good for {expiresIn / 60} minutes)...");
        var deadline = context.Time.GetUtcNow().AddSeconds(expiresIn);
        while (context.Time.GetUtcNow() < deadline)
        {
            // A floor, so an IdP that says 0 does not make this spin.
            await Task.Delay(interval < TimeSpan.FromMilliseconds(200) ? TimeSpan.FromMilliseconds(200) : interval, context.Time, cancellationToken);
            using var poll = await idp.PostAsync(new Uri(tokenEndpoint), Form(("grant_type", DeviceCodeGrant), ("device_code", deviceCode), ("client_id", clientId)), cancellationToken);
            var pollBody = await poll.Content.ReadAsStringAsync(cancellationToken);
            if (poll.IsSuccessStatusCode)
            {
                using var tokens = JsonDocument.Parse(pollBody);
                var idToken = ReviewsCommands.Text(tokens.RootElement, "id_token");
                return idToken.Length > 0 ? idToken : ReviewsCommands.Text(tokens.RootElement, "access_token");
            }

            switch (OAuthErrorCode(pollBody))
            {
                case "authorization_pending":
                    continue;
                case "slow_down":
                    // RFC 8628 §3.5: every slow_down adds 5 seconds to the interval, for the rest of the polling.
                    interval += TimeSpan.FromSeconds(5);
                    continue;
                case "access_denied":
                    await context.Error.WriteLineAsync("airlock: the login was denied at the identity provider");
                    return null;
                case "expired_token":
                    await context.Error.WriteLineAsync("airlock: the code expired before the login finished; run airlock login again");
                    return null;
                default:
                    await context.Error.WriteLineAsync($"airlock: the identity provider refused the login ({(int)poll.StatusCode}): {OAuthError(pollBody)}");
                    return null;
            }
        }

        await context.Error.WriteLineAsync("airlock: the code expired before the login finished; run airlock login again");
        return null;
    }

    /// <summary>Runs psql with the token in its environment only (not argv, not a file), and returns its exit code.</summary>
    private static async Task<int> RunPsqlAsync(CliContext context, string conninfo, string token, string[] extra, CancellationToken cancellationToken)
    {
        var psql = FindPsql() ?? throw new CliUsageException("psql is not installed (Debian: apt-get install postgresql-client)");

        // At a terminal psql talks to it directly; run in-process (tests, pipes into a writer) its output is copied.
        var attached = ReferenceEquals(context.Out, Console.Out);
        var start = new ProcessStartInfo(psql) { UseShellExecute = false, RedirectStandardOutput = !attached, RedirectStandardError = !attached };
        start.ArgumentList.Add(conninfo);
        foreach (var argument in extra)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = token;
        using var process = Process.Start(start) ?? throw new CliUsageException($"could not start {psql}");
        if (!attached)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await context.Out.WriteAsync(await output);
            await context.Error.WriteAsync(await errors);
        }

        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }

    private static string? FindPsql()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "psql");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        // Debian keeps the server's own psql here when postgresql-client's wrapper is not on PATH.
        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Order(StringComparer.Ordinal).Select(d => Path.Combine(d, "bin", "psql")).LastOrDefault(File.Exists)
            : null;
    }

    /// <summary>The IdP must be reached over https, except on loopback (a test or local IdP): the device code and tokens travel there.</summary>
    private static void RequireSecure(Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
        {
            throw new CliUsageException($"the identity provider's {url} is not https; airlock login sends codes and tokens only over https (or to loopback)");
        }
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    private static string OAuthErrorCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return ReviewsCommands.Text(document.RootElement, "error");
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private static string OAuthError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var code = ReviewsCommands.Text(document.RootElement, "error");
            var description = ReviewsCommands.Text(document.RootElement, "error_description");
            return description.Length > 0 ? $"{code}: {description}" : code;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }

    /// <summary>A libpq conninfo value: quoted, with ' and \ escaped, when it needs it.</summary>
    private static string Conninfo(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? value
            : "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>A POSIX shell word: single-quoted, with ' written as '\''.</summary>
    private static string Shell(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static Option<string?> GatewayOption() =>
        new("--gateway") { Description = $"The admin API's address (default ${SessionsCommands.GatewayVariable}, or http://127.0.0.1:8080).", HelpName = "URL" };

    private static Option<string?> ConfigDirOption() =>
        new("--config-dir") { Description = $"Where your logins are kept (default ${StoredLogins.DirectoryVariable}, else ~/.config/airlock).", HelpName = "DIR" };
}
