using System.Buffers;
using System.Net.Security;
using System.Text;
using Airlock.Audit;
using Airlock.Pipeline;
using Airlock.Policy.Model;
using Airlock.Postgres.Protocol;
using Airlock.Postgres.Upstream;

namespace Airlock.Postgres.Proxy;

internal sealed partial class PgClientConnection
{
    private const int ProtocolVersion3 = 196608;
    private const int SslRequestCode = 80877103;
    private const int GssEncRequestCode = 80877104;
    private const int CancelRequestCode = 80877102;

    /// <summary>
    /// Startup parameters passed upstream as they are: display and formatting settings that change
    /// nothing about what a statement can reach. Anything else (options, replication, role or
    /// transaction settings…) is refused at login; it can be set with SET afterwards, where policy decides.
    /// </summary>
    private static readonly HashSet<string> HarmlessParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "application_name", "client_encoding", "DateStyle", "TimeZone", "extra_float_digits", "IntervalStyle",
        "lc_monetary", "lc_numeric", "lc_time", "bytea_output", "geqo", "search_path",
    };

    /// <summary>Negotiates TLS, reads the startup packet, logs the client in and the gateway upstream. False when the connection ends here.</summary>
    private async Task<bool> StartupAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_options.LoginTimeout);
        try
        {
            return await StartupStepsAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            await TrySendFatalAsync(GatewayErrors.LoginTimeout(_options.LoginTimeout));
            return false;
        }
    }

    private async Task<bool> StartupStepsAsync(CancellationToken token)
    {
        var tls = false;
        while (true)
        {
            var (code, body) = await ReadStartupAsync(token);
            switch (code)
            {
                case SslRequestCode when !tls && _options.Certificate is not null:
                    await _clientStream.WriteAsync("S"u8.ToArray(), token);
                    await UpgradeToTlsAsync(token);
                    tls = true;
                    continue;
                case SslRequestCode or GssEncRequestCode:
                    // 'N': no TLS (or no GSSAPI encryption); the client may go on in the clear or give up.
                    await _clientStream.WriteAsync("N"u8.ToArray(), token);
                    continue;
                case CancelRequestCode:
                    var r = new PgReader(body);
                    await RequestCancelAsync(r.ReadInt32(), r.ReadInt32());
                    return false;
                case ProtocolVersion3:
                    if (_options.RequireTls && !tls)
                    {
                        await TrySendFatalAsync(GatewayErrors.TlsRequired);
                        return false;
                    }

                    return await LoginAsync(ParseParameters(body), token);
                default:
                    await TrySendFatalAsync(GatewayErrors.Protocol($"unsupported protocol version {code >> 16}.{code & 0xFFFF}; Airlock speaks 3.0"));
                    return false;
            }
        }
    }

    /// <summary>Set by the listener: finds the connection that owns a cancel key and cancels its statement.</summary>
    internal Func<int, int, Task> CancelHandler { get; set; } = (_, _) => Task.CompletedTask;

    private Task RequestCancelAsync(int processId, int secretKey) => CancelHandler(processId, secretKey);

    private async Task<(int Code, byte[] Body)> ReadStartupAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _clientReader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (PgFrame.TryReadStartup(ref buffer, 10_000, out var code, out var body))
            {
                var bytes = body.ToArray();
                _clientReader.AdvanceTo(buffer.Start);
                return (code, bytes);
            }

            if (result.IsCompleted)
            {
                throw new IOException("the client closed the connection during startup");
            }

            _clientReader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task UpgradeToTlsAsync(CancellationToken cancellationToken)
    {
        // Bytes sent before the TLS handshake would be a man-in-the-middle's injection (CVE-2021-23214): refuse them.
        if (_clientReader.TryRead(out var pending) && !pending.Buffer.IsEmpty)
        {
            throw new PgProtocolException("data arrived after SSLRequest before the TLS handshake");
        }

        await _clientReader.CompleteAsync();
        await _clientWriter.CompleteAsync();
        var tls = new SslStream(_clientStream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _options.Certificate }, cancellationToken);
        _clientStream = tls;
        ResetClientPipes();
    }

    /// <summary>Name/value pairs of NUL-terminated strings, then a final NUL.</summary>
    private static List<KeyValuePair<string, string>> ParseParameters(byte[] body)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        var r = new PgReader(body);
        try
        {
            while (r.Remaining > 1)
            {
                var name = r.ReadCString();
                parameters.Add(new(name, r.ReadCString()));
            }
        }
        catch (PgProtocolException ex)
        {
            throw new PgProtocolException("malformed startup packet: " + ex.Message, ex);
        }

        if (r.Remaining != 1 || body[^1] != 0)
        {
            throw new PgProtocolException("malformed startup packet: it does not end with the NUL after its last parameter");
        }

        return parameters;
    }

    private async Task<bool> LoginAsync(List<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        string? Parameter(string name) => parameters.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        var user = Parameter("user");
        if (string.IsNullOrEmpty(user))
        {
            await TrySendFatalAsync(new PgError("28000", "AL0913: no user name in the startup packet", Severity: "FATAL"));
            return false;
        }

        var database = Parameter("database") ?? user;
        foreach (var (name, value) in parameters)
        {
            if (name is "user" or "database")
            {
                continue;
            }

            if (string.Equals(name, "client_encoding", StringComparison.OrdinalIgnoreCase) && !IsUtf8(value))
            {
                await TrySendFatalAsync(GatewayErrors.Encoding(value));
                return false;
            }

            if (!HarmlessParameters.Contains(name))
            {
                await AuditAuthFailureAsync(user, database, $"startup parameter {name} refused");
                await TrySendFatalAsync(GatewayErrors.StartupParameter(name));
                return false;
            }

            if (string.Equals(name, "application_name", StringComparison.OrdinalIgnoreCase) && PosesAsAirlockMark(value))
            {
                await AuditAuthFailureAsync(user, database, "AL0955: the application_name poses as the gateway's airlock: mark");
                await TrySendFatalAsync(GatewayErrors.ApplicationNameSpoof);
                return false;
            }
        }

        // Ask for the Airlock token as the password. It is checked by hash; never logged or recorded.
        await WriteToClientAsync(w => _clientMessages.AuthenticationCleartextPassword(w), cancellationToken);
        var (type, payload) = await ReadClientMessageAsync(cancellationToken);
        if (type != (byte)'p')
        {
            throw new PgProtocolException($"expected a password message, got '{PgFrame.Printable(type)}'");
        }

        var secret = new PgReader(payload).ReadCString();
        GatewayUser? authenticated;
        try
        {
            authenticated = await _services.Authenticator.AuthenticateAsync(user, secret, cancellationToken);
        }
        catch (RefusedException ex)
        {
            // The token was this user's once (revoked, expired): the client holds it, so it may hear which.
            await AuditAuthFailureAsync(user, database, $"{ex.ErrorId}: {ex.Message}");
            await TrySendFatalAsync(GatewayErrors.Login($"{ex.ErrorId}: {ex.Message}"));
            return false;
        }

        if (authenticated is null)
        {
            await AuditAuthFailureAsync(user, database, "wrong token or unknown user");
            await TrySendFatalAsync(GatewayErrors.Login($"AL0914: password authentication failed for user \"{user}\""));
            return false;
        }

        var snapshot = Policy;
        if (!snapshot.TryGetResource(database, out var resource) || resource.Type != ResourceType.Postgres)
        {
            await AuditAuthFailureAsync(user, database, "no such PostgreSQL resource");
            await TrySendFatalAsync(GatewayErrors.NoResource(database));
            return false;
        }

        if (authenticated.Token is { } token && !token.AllowsResource(database))
        {
            await AuditAuthFailureAsync(user, database, $"API token {token.TokenId} does not cover this resource");
            await TrySendFatalAsync(new PgError("28000", $"AL0923: API token {token.TokenId} is not for resource \"{database}\" (it covers {string.Join(", ", token.Resources)})", Hint: "Make a token for this resource: airlock tokens create --resource " + database, Severity: "FATAL"));
            return false;
        }

        var target = _services.ResolveUpstream(database);
        if (target is null)
        {
            await TrySendFatalAsync(GatewayErrors.Upstream($"the resource {database} has no usable connection settings"));
            return false;
        }

        try
        {
            _session = await _services.Sessions.StartAsync(authenticated, database, Client, Parameter("application_name"), cancellationToken);
        }
        catch (AuditUnavailableException ex)
        {
            await TrySendFatalAsync(GatewayErrors.AuditUnavailable(ex.Message).AsFatal());
            return false;
        }
        catch (RefusedException ex)
        {
            // A session cap from policy (AL0959, AL0960).
            await AuditAuthFailureAsync(authenticated.Name, database, ex.Message);
            await TrySendFatalAsync(GatewayErrors.SessionCap(ex));
            return false;
        }

        var principal = _session.PrincipalFor(snapshot);
        _session.ReadOnly = snapshot.AllowsOnlyReads(principal, database);
        _readOnlyDecidedFor = principal;
        var upstreamParameters = parameters.Where(p => p.Key is not ("user" or "database" or "application_name" or "client_encoding")).ToList();
        upstreamParameters.Add(new("client_encoding", "UTF8"));
        upstreamParameters.Add(new("application_name", Mark + (Parameter("application_name") is { Length: > 0 } app ? ":" + app : string.Empty)));
        upstreamParameters.Add(new("options", UpstreamOptions(snapshot.ResolveSessionLimits(principal, database))));

        try
        {
            _upstream = await UpstreamConnection.ConnectAsync(target, upstreamParameters, cancellationToken);
        }
        catch (UpstreamAuthenticationException ex)
        {
            await TrySendFatalAsync(GatewayErrors.Upstream(ex.Message));
            await _services.Sessions.EndAsync(_session, "upstream login failed");
            return false;
        }

        if (PinUpstreamSettings() is { } unpinned)
        {
            await TrySendFatalAsync(unpinned);
            await _services.Sessions.EndAsync(_session, "upstream settings differ from the pinned ones");
            return false;
        }

        _catalog = _services.CatalogFor(target);
        await WriteToClientAsync(
            w =>
            {
                _clientMessages.AuthenticationOk(w);
                foreach (var (name, value) in _upstream.Parameters)
                {
                    // The upstream's application_name names the gateway's session; show the client its own.
                    var shown = name == "application_name" ? Parameter("application_name") ?? string.Empty : value;
                    _clientMessages.ParameterStatus(w, name, shown);
                }

                _clientMessages.BackendKeyData(w, ProcessId, SecretKey);
                _clientMessages.ReadyForQuery(w, (byte)'I');
            },
            cancellationToken);
        return true;
    }

    private async Task AuditAuthFailureAsync(string user, string database, string reason)
    {
        try
        {
            await _services.Audit.AppendAsync(new AuditEvent { Kind = AuditEventKinds.AuthFailed, User = user, Resource = database, Client = Client, Outcome = "refused", Error = reason });
        }
        catch (AuditUnavailableException)
        {
            // The login is refused either way.
        }
    }

    private static bool IsUtf8(string encoding) =>
        encoding.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).Equals("UTF8", StringComparison.OrdinalIgnoreCase)
        || encoding.Equals("UNICODE", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads one typed message from the client (the payload copied out).</summary>
    private async Task<(byte Type, byte[] Payload)> ReadClientMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _clientReader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            // Before login nobody is known: a message larger than a token needs is refused from its header, unread.
            if (buffer.Length >= 5 && PgFrame.PeekLength(buffer) is var length && length > _options.MaxPreAuthMessage)
            {
                throw new GatewayRefusalException(GatewayErrors.PreAuthMessageTooLarge(length, _options.MaxPreAuthMessage));
            }

            if (PgFrame.TryRead(ref buffer, _options.MaxPreAuthMessage, out var type, out var payload, out _))
            {
                var bytes = payload.ToArray();
                _clientReader.AdvanceTo(buffer.Start);
                return (type, bytes);
            }

            if (result.IsCompleted)
            {
                throw new IOException("the client closed the connection");
            }

            _clientReader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
