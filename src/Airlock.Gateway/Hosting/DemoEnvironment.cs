using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Airlock.Audit;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Demo;

namespace Airlock.Gateway.Hosting;

/// <summary>
/// <c>airlock demo</c>: a throwaway PostgreSQL with sample PII, and the gateway in front of it with the
/// SQLite store and the sample policy. Everything it makes lives in one directory:
/// <code>
///  DIR/pgdata, DIR/run      the demo PostgreSQL (initdb, free port)
///  DIR/airlock.yaml         the gateway config it runs with (tokens stored as SHA-256 only)
///  DIR/secrets/             the upstream password, the audit signing key, a self-signed TLS certificate (0600)
///  DIR/airlock.db           the store: audit trail, sessions
///  DIR/demo.json            ports, database, user tokens, upstream (for scripts and tests)
/// </code>
/// </summary>
public sealed class DemoEnvironment : IAsyncDisposable
{
    private DemoEnvironment(string directory, DemoDatabase database, GatewayHost gateway, IReadOnlyDictionary<string, string> tokens, string adminToken)
    {
        Directory = directory;
        Database = database;
        Gateway = gateway;
        Tokens = tokens;
        AdminToken = adminToken;
    }

    public string Directory { get; }

    public DemoDatabase Database { get; }

    public GatewayHost Gateway { get; }

    /// <summary>Demo users and their tokens (shown to the person running the demo; the config keeps only hashes).</summary>
    public IReadOnlyDictionary<string, string> Tokens { get; }

    /// <summary>bob's TOTP secret (base32): prod reads need MFA for approvers, and the demo shows the step-up.</summary>
    public string BobTotpSecret { get; private init; } = string.Empty;

    public string AdminToken { get; }

    public string DemoJsonPath => Path.Combine(Directory, "demo.json");

    public int GatewayPort => Gateway.Postgres.Endpoint.Port;

    public int HttpPort => Gateway.AdminApi?.Address.Port ?? 0;

    public static async Task<DemoEnvironment> StartAsync(string? directory, int gatewayPort, int httpPort, string policyDirectory, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        directory = Path.GetFullPath(directory ?? Path.Combine(Path.GetTempPath(), "airlock-demo-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        // Private to whoever runs the demo: it holds the store, demo.json (tokens) and secrets/ (issue 14, class J).
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        progress?.Report($"Starting a throwaway PostgreSQL in {directory} and loading sample customers and orders…");
        var database = await DemoDatabase.StartAsync(new DemoDatabaseOptions { Directory = directory }, cancellationToken);
        try
        {
            var secrets = Path.Combine(directory, "secrets");
            System.IO.Directory.CreateDirectory(secrets);
            WritePrivate(Path.Combine(secrets, "upstream-password"), database.Password);
            WriteSelfSignedCertificate(secrets);
            using (var key = AuditSigningKey.Generate())
            {
                WritePrivate(Path.Combine(secrets, "audit-key.pem"), key.ExportPrivateKeyPem());
                await File.WriteAllTextAsync(Path.Combine(directory, "audit-public-key.pem"), key.ExportPublicKeyPem(), cancellationToken);
            }

            var tokens = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["alice"] = NewToken(),
                ["bob"] = NewToken(),
            };
            var adminToken = NewToken();
            var bobTotp = Airlock.Pipeline.Totp.ToBase32(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
            WritePrivate(Path.Combine(secrets, "bob-totp"), bobTotp);
            var configPath = Path.Combine(directory, "airlock.yaml");
            await File.WriteAllTextAsync(configPath, ConfigYaml(database, tokens, adminToken, gatewayPort, httpPort, Path.GetFullPath(policyDirectory)), cancellationToken);

            var loaded = GatewayConfigLoader.Load(configPath);
            if (loaded.Config is not { } config || loaded.Diagnostics.Count > 0)
            {
                throw new InvalidOperationException("the demo's generated config is invalid: " + string.Join("; ", loaded.Diagnostics));
            }

            progress?.Report("Starting the gateway with the sample policy and an SQLite store…");
            var gateway = await GatewayHost.StartAsync(config, cancellationToken: cancellationToken);
            var demo = new DemoEnvironment(directory, database, gateway, tokens, adminToken) { BobTotpSecret = bobTotp };
            await demo.WriteDemoJsonAsync(cancellationToken);
            return demo;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>The ready-to-paste commands printed for the person running the demo.</summary>
    public string Instructions()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Airlock demo is running. Files: {Directory}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  gateway  127.0.0.1:{GatewayPort} (PostgreSQL protocol)   admin API http://127.0.0.1:{HttpPort}");
        text.AppendLine();
        text.AppendLine("Connect as alice (an engineer: reads are masked and capped, writes wait for review, DDL is denied):");
        text.AppendLine(CultureInfo.InvariantCulture, $"  PGPASSWORD={Tokens["alice"]} psql \"host=127.0.0.1 port={GatewayPort} dbname=demo user=alice sslmode=disable\"");
        text.AppendLine();
        text.AppendLine("Connect as bob (an approver):");
        text.AppendLine(CultureInfo.InvariantCulture, $"  PGPASSWORD={Tokens["bob"]} psql \"host=127.0.0.1 port={GatewayPort} dbname=demo user=bob sslmode=disable\"");
        text.AppendLine();
        text.AppendLine("Try, as alice:");
        text.AppendLine("  SELECT email, card_number FROM customers LIMIT 5;   -- masked");
        text.AppendLine("  DELETE FROM orders WHERE id = 1;                    -- held for review");
        text.AppendLine("  DROP TABLE orders;                                  -- denied, with the rule's message");
        text.AppendLine();
        text.AppendLine("bob approves and reads production only with MFA from the last 15 minutes. Add this key to an authenticator app (or use oathtool):");
        text.AppendLine(CultureInfo.InvariantCulture, $"  otpauth://totp/Airlock:bob?secret={BobTotpSecret}&issuer=Airlock");
        text.AppendLine();
        text.AppendLine("Approve alice's held DELETE as bob (its id is in her error), after a step-up; then she runs it again, once:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  AIRLOCK_USER=bob AIRLOCK_TOKEN={Tokens["bob"]} ./airlock mfa --code <6 digits> --gateway http://127.0.0.1:{HttpPort}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  AIRLOCK_USER=bob AIRLOCK_TOKEN={Tokens["bob"]} ./airlock reviews approve <id> --gateway http://127.0.0.1:{HttpPort}");
        text.AppendLine();
        text.AppendLine("Then look at the record:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  ./airlock audit tail --store sqlite:{Path.Combine(Directory, "airlock.db")} -n 20");
        text.AppendLine(CultureInfo.InvariantCulture, $"  ./airlock audit verify --store sqlite:{Path.Combine(Directory, "airlock.db")} --public-key {Path.Combine(Directory, "audit-public-key.pem")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  ./airlock sessions list --gateway http://127.0.0.1:{HttpPort} --token-file {Path.Combine(Directory, "secrets", "admin-token")}");
        text.AppendLine();
        text.Append("Press Ctrl-C to stop everything.");
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Database.DisposeAsync();
    }

    private async Task WriteDemoJsonAsync(CancellationToken cancellationToken)
    {
        WritePrivate(Path.Combine(Directory, "secrets", "admin-token"), AdminToken);
        var json = new
        {
            gateway_port = GatewayPort,
            http_port = HttpPort,
            database = "demo",
            users = Tokens.ToDictionary(t => t.Key, t => new { token = t.Value, totp_secret = t.Key == "bob" ? BobTotpSecret : null }, StringComparer.Ordinal),
            admin_token = AdminToken,
            upstream = new { host = Database.Host, port = Database.Port, user = Database.User, password = Database.Password, database = Database.Database },
            store = Path.Combine(Directory, "airlock.db"),
            audit_public_key = Path.Combine(Directory, "audit-public-key.pem"),
        };
        var path = DemoJsonPath;
        WritePrivate(path, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        await Task.CompletedTask;
        _ = cancellationToken;
    }

    private static string ConfigYaml(DemoDatabase database, Dictionary<string, string> tokens, string adminToken, int gatewayPort, int httpPort, string policyDirectory) => $"""
        # Written by `airlock demo`. Tokens are kept as SHA-256 only; secrets are files in ./secrets (0600).
        listen:
          postgres: 127.0.0.1:{gatewayPort}
          http: 127.0.0.1:{httpPort}
        policy: {Quote(policyDirectory)}
        store: sqlite:./airlock.db
        instance: demo
        audit:
          durability: crash
          required: true
          signing_key: file:./secrets/audit-key.pem
        tls:
          certificate: file:./secrets/tls-cert.pem
          key: file:./secrets/tls-key.pem
          require: false
        users:
        {string.Join("\n", tokens.Select(t => $"  {t.Key}:\n    token_sha256: {Sha256(t.Value)}" + (t.Key == "bob" ? "\n    totp: file:./secrets/bob-totp" : string.Empty)))}
        admin:
          tokens:
            - name: demo-admin
              token_sha256: {Sha256(adminToken)}
        upstreams:
          demo:
            host: {database.Host}
            port: {database.Port}
            database: {database.Database}
            user: {database.User}
            password: file:./secrets/upstream-password
            sslmode: disable
        """;

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, so the demo can show TLS (sslmode=require).</summary>
    private static void WriteSelfSignedCertificate(string secrets)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=airlock-demo", key, HashAlgorithmName.SHA256);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        WritePrivate(Path.Combine(secrets, "tls-cert.pem"), certificate.ExportCertificatePem());
        WritePrivate(Path.Combine(secrets, "tls-key.pem"), key.ExportPkcs8PrivateKeyPem());
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string NewToken() => "alk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static void WritePrivate(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(content));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
