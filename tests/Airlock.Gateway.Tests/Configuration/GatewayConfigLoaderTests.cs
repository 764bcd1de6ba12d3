using Airlock.Gateway.Configuration;
using Airlock.Gateway.Secrets;
using Airlock.Gateway.Tests.Support;
using Airlock.Policy.Model;
using Airlock.Store;

namespace Airlock.Gateway.Tests.Configuration;

public sealed class GatewayConfigLoaderTests : IDisposable
{
    private const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"; // SHA-256 of "test"

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private GatewayConfigLoadResult Load(string yaml, SecretResolver? secrets = null) =>
        GatewayConfigLoader.Load(_dir.Write("gateway.yaml", yaml), secrets);

    private static ConfigDiagnostic Single(GatewayConfigLoadResult result)
    {
        Assert.False(result.Succeeded);
        Assert.Null(result.Config);
        return Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void A_full_configuration_loads_with_every_setting_and_relative_paths_resolved_against_the_file()
    {
        var result = Load($"""
            listen:
              postgres: 127.0.0.1:15432
              http: "[::1]:8080"
            policy: ./policies
            store: sqlite:./data/airlock.db
            instance: gw-1
            audit:
              durability: power
              required: false
              signing_key: file:./data/audit-key.pem
              checkpoint: {"{"} every_events: 500, every: 1m30s {"}"}
            tls:
              certificate: file:tls/cert.pem
              key: env:AIRLOCK_TLS_KEY
              require: true
            users:
              alice: {"{"} token_sha256: {Hash} {"}"}
              bob: {"{"} token: env:BOB_TOKEN {"}"}
            admin:
              tokens: [ {"{"} token_sha256: {Hash.ToUpperInvariant()} {"}"}, {"{"} name: ops, token: file:/etc/airlock/admin-token {"}"} ]
            upstreams:
              demo: {"{"} host: 127.0.0.1, port: 54321, user: airlock_demo, password: env:AIRLOCK_DEMO_PASSWORD, database: demo, sslmode: disable {"}"}
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var config = result.Config!;
        Assert.Equal(_dir.Combine("gateway.yaml"), config.SourceFile);
        Assert.Equal(new ListenAddress("127.0.0.1", 15432), config.Listen.Postgres);
        Assert.Equal("[::1]:8080", config.Listen.Http!.ToString());
        Assert.Equal(System.Net.IPAddress.IPv6Loopback, config.Listen.Http.ToEndPoint().Address);
        Assert.Equal(_dir.Combine("policies"), config.PolicyDirectory);
        Assert.Equal((StoreKind.Sqlite, _dir.Combine("data", "airlock.db")), (config.Store.Kind, config.Store.Target));
        Assert.Equal("gw-1", config.Instance);
        Assert.Equal(AuditDurability.Power, config.Audit.Durability);
        Assert.False(config.Audit.Required);
        Assert.Equal(new SecretReference(SecretSource.File, _dir.Combine("data", "audit-key.pem")), config.Audit.SigningKey!.Reference);
        Assert.Equal((500, TimeSpan.FromSeconds(90)), (config.Audit.CheckpointEveryEvents, config.Audit.CheckpointInterval));
        Assert.Equal((500, TimeSpan.FromSeconds(90), false), (config.Audit.ToTrailOptions().CheckpointEveryEvents, config.Audit.ToTrailOptions().CheckpointInterval, config.Audit.ToTrailOptions().Required));
        Assert.Equal(new SecretReference(SecretSource.File, _dir.Combine("tls", "cert.pem")), config.Tls!.Certificate.Reference);
        Assert.Equal(new SecretReference(SecretSource.Env, "AIRLOCK_TLS_KEY"), config.Tls.Key.Reference);
        Assert.True(config.Tls.Require);
        Assert.Equal(["alice", "bob"], config.Users.Select(u => u.Name));
        Assert.Equal(Convert.FromHexString(Hash), config.Users[0].Token!.Sha256!.Value.ToArray());
        Assert.Equal(new SecretReference(SecretSource.Env, "BOB_TOKEN"), config.Users[1].Token!.Secret!.Reference);
        Assert.Equal(18, config.Users[1].Location.Line);
        Assert.Equal(["admin-1", "ops"], config.Admin.Tokens.Select(t => t.Name));
        Assert.Equal("/etc/airlock/admin-token", config.Admin.Tokens[1].Token.Secret!.Reference.Name);
        var demo = config.Upstreams["demo"];
        Assert.Equal(("127.0.0.1", 54321, "airlock_demo", "demo", "disable"), (demo.Host, demo.Port!.Value, demo.User, demo.Database, demo.SslMode));
        Assert.Equal("env:AIRLOCK_DEMO_PASSWORD", demo.Password!.ToString());
    }

    [Fact]
    public void A_minimal_configuration_takes_the_defaults()
    {
        var result = Load("""
            listen: { postgres: localhost:0 }
            policy: /srv/policy
            store: /var/lib/airlock/airlock.db
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var config = result.Config!;
        Assert.Null(config.Listen.Http);
        Assert.Equal(System.Net.IPAddress.Loopback, config.Listen.Postgres.ToEndPoint().Address);
        Assert.Equal("/srv/policy", config.PolicyDirectory);
        Assert.Equal("/var/lib/airlock/airlock.db", config.Store.Target);
        Assert.Equal(Environment.MachineName, config.Instance);
        Assert.Equal((AuditDurability.Crash, true, (ConfiguredSecret?)null, 1000, TimeSpan.FromSeconds(10)),
            (config.Audit.Durability, config.Audit.Required, config.Audit.SigningKey, config.Audit.CheckpointEveryEvents, config.Audit.CheckpointInterval));
        Assert.Null(config.Tls);
        Assert.Empty(config.Users);
        Assert.Empty(config.Admin.Tokens);
        Assert.Empty(config.Upstreams);
    }

    [Fact]
    public void A_postgres_store_from_the_environment_may_hold_a_password()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["AIRLOCK_STORE"] = "postgres://airlock:pw-from-env@db.internal:5433/airlock" };
        var result = Load("""
            listen: { postgres: 0.0.0.0:5432 }
            policy: p
            store: env:AIRLOCK_STORE
            """, new SecretResolver(env.GetValueOrDefault));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal("postgres://airlock@db.internal:5433/airlock", result.Config!.Store.Description);
    }

    [Fact]
    public void AL0801_a_missing_file_is_reported_by_its_path()
    {
        var path = _dir.Combine("nope.yaml");
        var diagnostic = Single(GatewayConfigLoader.Load(path));

        Assert.Equal(GatewayErrors.ConfigUnreadable, diagnostic.Id);
        Assert.Equal(path, diagnostic.Location.File);
        Assert.StartsWith($"{path}: error AL0801: ", diagnostic.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AL0801_a_file_that_is_not_utf8_is_unreadable()
    {
        var path = _dir.Combine("latin1.yaml");
        File.WriteAllBytes(path, [(byte)'p', (byte)':', (byte)' ', 0xE9, (byte)'\n']);

        Assert.Equal(GatewayErrors.ConfigUnreadable, Single(GatewayConfigLoader.Load(path)).Id);
    }

    [Theory]
    [InlineData("listen: { postgres: 127.0.0.1:1\npolicy: p\n", 1, 11)]
    [InlineData("listen:\n  postgres: [a, b\npolicy: p\n", 2, 14)]
    [InlineData("policy: \"p\n", 1, 9)]
    [InlineData("policy: p\npolicy: q\n", 2, 1)]
    [InlineData("policy: p\n---\npolicy: q\n", 3, 1)]
    public void AL0802_broken_yaml_is_reported_where_it_breaks(string yaml, int line, int column)
    {
        var diagnostic = Single(Load(yaml));

        Assert.Equal(GatewayErrors.ConfigYamlSyntax, diagnostic.Id);
        Assert.Equal((line, column), (diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Fact]
    public void AL0803_unknown_keys_are_reported_with_a_suggestion_at_every_level()
    {
        var result = Load("""
            listen: { postgres: 127.0.0.1:5432, htp: 127.0.0.1:8080 }
            polcy: p
            policy: p
            store: s.db
            audit:
              checkpoint: { evry: 10s }
              colour: blue
            """);

        var diagnostics = result.Diagnostics;
        Assert.All(diagnostics, d => Assert.Equal(GatewayErrors.UnknownKey, d.Id));
        Assert.Equal(
            [(1, 37, "htp", "'http'"), (2, 1, "polcy", "'policy'"), (6, 17, "evry", "'every'"), (7, 3, "colour", "expected one of: durability, required, signing_key, checkpoint")],
            diagnostics.Select(d => (d.Location.Line, d.Location.Column, Key(d.Message), Hint(d.Message))));

        static string Key(string message) => message.Split('\'')[1];
        static string Hint(string message) => message.Contains("did you mean", StringComparison.Ordinal) ? message.Split(' ')[^1].TrimEnd('?') : message[(message.IndexOf("; ", StringComparison.Ordinal) + 2)..];
    }

    [Theory]
    [InlineData("audit: { durability: fast }", 4, 22, "audit.durability must be one of: crash, power")]
    [InlineData("audit: { required: yes }", 4, 20, "audit.required must be true or false")]
    [InlineData("audit: { checkpoint: { every_events: 0 } }", 4, 38, "every_events must be a whole number from 1")]
    [InlineData("audit: { checkpoint: { every: soon } }", 4, 31, "must be a duration")]
    [InlineData("audit: [durability]", 4, 8, "audit must be a mapping")]
    [InlineData("instance: gw 1", 4, 11, "instance may have letters")]
    [InlineData("users: { alice: { token_sha256: abc } }", 4, 33, "token_sha256 must be 64 hex digits")]
    [InlineData("users: { alice: { token_sha256: " + Hash + ", token: env:A } }", 4, 17, "both token_sha256 and token")]
    [InlineData("users: { alice: env:ALICE_TOKEN }", 4, 17, "must be a mapping")]
    [InlineData("upstreams: { demo: { port: 70000 } }", 4, 28, "port must be a whole number from 1 to 65535")]
    [InlineData("upstreams: { demo: { sslmode: strict } }", 4, 31, "sslmode must be one of")]
    [InlineData("tls: { certificate: /etc/cert.pem, key: file:k.pem }", 4, 21, "tls.certificate must be file:PATH or env:NAME")]
    [InlineData("admin: { tokens: { token: env:T } }", 4, 18, "admin.tokens must be a list")]
    public void AL0804_wrong_types_and_values_are_reported_at_the_value(string line4, int line, int column, string message)
    {
        var diagnostic = Single(Load($"listen: {{ postgres: 127.0.0.1:5432 }}\npolicy: p\nstore: s.db\n{line4}\n"));

        Assert.Equal(GatewayErrors.InvalidValue, diagnostic.Id);
        Assert.Equal((line, column), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("listen: { postgres: 5432 }", 1, 21)]
    [InlineData("listen: { postgres: localhost:99999 }", 1, 21)]
    [InlineData("listen: { postgres: db.internal:5432 }", 1, 21)]
    [InlineData("listen: { postgres: 127.1:5432 }", 1, 21)]
    [InlineData("listen: 127.0.0.1:5432", 1, 9)]
    public void AL0804_listen_addresses_are_host_and_port(string line1, int line, int column)
    {
        var diagnostic = Single(Load($"{line1}\npolicy: p\nstore: s.db\n"));

        Assert.Equal((GatewayErrors.InvalidValue, line, column), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Fact]
    public void AL0804_a_store_location_that_is_not_understood_is_reported_at_the_value()
    {
        var diagnostic = Single(Load("listen: { postgres: 127.0.0.1:5432 }\npolicy: p\nstore: mysql://db/airlock\n"));

        Assert.Equal((GatewayErrors.InvalidValue, 3, 8), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("sqlite:PATH", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AL0805_missing_keys_are_reported_at_the_mapping_that_needs_them()
    {
        var result = Load("""
            instance: gw-1
            listen:
              http: 127.0.0.1:8080
            users:
              alice: {}
              bob:
                token_sha256:
            tls: { key: env:K }
            """);

        Assert.False(result.Succeeded);
        Assert.All(result.Diagnostics, d => Assert.Equal(GatewayErrors.MissingKey, d.Id));
        Assert.Equal(
            [(1, 1, "needs 'policy'"), (1, 1, "needs 'store'"), (3, 3, "needs 'postgres'"), (5, 10, "alice' needs 'token_sha256'"), (7, 5, "bob' needs 'token_sha256'"), (8, 6, "needs 'certificate'")],
            result.Diagnostics.Select(d => (d.Location.Line, d.Location.Column, Fragment(d.Message))));

        static string Fragment(string message) => message.Contains("alice", StringComparison.Ordinal) ? "alice' needs 'token_sha256'"
            : message.Contains("bob", StringComparison.Ordinal) ? "bob' needs 'token_sha256'"
            : message[message.IndexOf("needs", StringComparison.Ordinal)..];
    }

    [Fact]
    public void AL0805_an_empty_file_needs_the_required_keys()
    {
        var diagnostic = Single(Load("# nothing yet\n"));

        Assert.Equal((GatewayErrors.MissingKey, 1, 1), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Fact]
    public void AL0806_literal_secrets_are_rejected_where_a_reference_is_required_and_never_quoted()
    {
        string[] secrets = ["hunter2-alice-token", "s3cr3t-bob", "pg-password-123", "MIIEvQIBADANBgkq", "stor3-pw", "plain-admin-token", "tlskey-literal"];
        var result = Load($"""
            listen: {"{"} postgres: 127.0.0.1:5432 {"}"}
            policy: p
            store: postgres://airlock:{secrets[4]}@db.internal/airlock
            audit: {"{"} signing_key: "-----BEGIN PRIVATE KEY----- {secrets[3]}" {"}"}
            tls: {"{"} certificate: file:c.pem, key: {secrets[6]} {"}"}
            users:
              alice: {"{"} token: {secrets[0]} {"}"}
              bob: {secrets[1]}
            admin: {"{"} tokens: [ {"{"} token: {secrets[5]} {"}"} ] {"}"}
            upstreams:
              demo: {"{"} password: {secrets[2]} {"}"}
            """);

        Assert.False(result.Succeeded);
        Assert.All(result.Diagnostics, d => Assert.Equal(GatewayErrors.LiteralSecret, d.Id));
        Assert.Equal(
            [(3, 8), (4, 23), (5, 38), (7, 19), (8, 8), (9, 29), (11, 21)],
            result.Diagnostics.Select(d => (d.Location.Line, d.Location.Column)));
        var text = string.Join("\n", result.Diagnostics);
        Assert.All(secrets, s => Assert.DoesNotContain(s, text, StringComparison.Ordinal));
    }

    [Fact]
    public void AL0806_a_password_in_a_store_connection_string_is_a_literal_secret()
    {
        var diagnostic = Single(Load("listen: { postgres: 127.0.0.1:5432 }\npolicy: p\nstore: \"postgres:Host=db;Database=a;Password=conn-pw-9\"\n"));

        Assert.Equal((GatewayErrors.LiteralSecret, 3, 8), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.DoesNotContain("conn-pw-9", diagnostic.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AL0807_unresolvable_references_are_reported_when_secrets_are_checked_and_values_are_not_kept()
    {
        var tokenFile = _dir.Write("alice.token", "alice-file-token\n");
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["BOB_TOKEN"] = "bob-env-token" };
        var result = Load($"""
            listen: {"{"} postgres: 127.0.0.1:5432 {"}"}
            policy: p
            store: s.db
            users:
              alice: {"{"} token: file:{Path.GetFileName(tokenFile)} {"}"}
              bob: {"{"} token: env:BOB_TOKEN {"}"}
              carol: {"{"} token: env:CAROL_TOKEN {"}"}
              dave: {"{"} token: file:missing.token {"}"}
            """, new SecretResolver(env.GetValueOrDefault));

        Assert.Equal([(7, 19), (8, 18)], result.Diagnostics.Select(d => (d.Location.Line, d.Location.Column)));
        Assert.All(result.Diagnostics, d => Assert.Equal(GatewayErrors.SecretUnresolved, d.Id));
        Assert.Contains("env:CAROL_TOKEN", result.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Contains(_dir.Combine("missing.token"), result.Diagnostics[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AL0807_a_store_named_by_an_unset_variable_is_unresolved()
    {
        var diagnostic = Single(Load("listen: { postgres: 127.0.0.1:5432 }\npolicy: p\nstore: env:AIRLOCK_NO_SUCH_STORE_VARIABLE\n"));

        Assert.Equal((GatewayErrors.SecretUnresolved, 3, 8), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Fact]
    public void Every_configuration_error_id_has_a_title_and_is_in_the_AL08_range()
    {
        string[] configIds = [GatewayErrors.ConfigUnreadable, GatewayErrors.ConfigYamlSyntax, GatewayErrors.UnknownKey, GatewayErrors.InvalidValue, GatewayErrors.MissingKey, GatewayErrors.LiteralSecret, GatewayErrors.SecretUnresolved];
        Assert.All(configIds, id => Assert.True(GatewayErrors.Titles.ContainsKey(id)));
        Assert.All(GatewayErrors.Titles.Keys, id => Assert.StartsWith("AL08", id, StringComparison.Ordinal));
    }

    [Fact]
    public void An_upstream_override_replaces_only_what_it_names()
    {
        var baseline = new PostgresConnection("10.0.0.5", 5432, "orders", "airlock_rw", new SecretReference(SecretSource.Env, "ORDERS_PW"), "require");
        var upstream = new UpstreamOverride { Resource = "orders", Host = "127.0.0.1", Port = 54321, SslMode = "disable" };

        Assert.Equal(
            new PostgresConnection("127.0.0.1", 54321, "orders", "airlock_rw", new SecretReference(SecretSource.Env, "ORDERS_PW"), "disable"),
            upstream.ApplyTo(baseline));
        Assert.Throws<InvalidOperationException>(() => upstream.ApplyTo(null));
    }

    [Fact]
    public void A_user_of_the_idp_may_be_listed_for_totp_alone_and_logs_in_with_no_static_token()
    {
        _dir.Write("dave-totp", "JBSWY3DPEHPK3PXP\n");
        GatewayConfigLoadResult WithUsers(string more) => Load($$"""
            listen: { postgres: 127.0.0.1:15432 }
            policy: ./policies
            store: sqlite:./airlock.db
            users:
              alice: { token_sha256: {{Hash}} }
              dave: { totp: file:./dave-totp }
            {{more}}
            """, new SecretResolver());

        // erin has neither: an error that says what each kind of user needs.
        var erin = Single(WithUsers("  erin: { }"));
        Assert.Equal(7, erin.Location.Line);
        Assert.Contains("or only 'totp' for a user who logs in through the IdP", erin.Message, StringComparison.Ordinal);

        var ok = WithUsers(string.Empty);
        Assert.True(ok.Succeeded, string.Join("\n", ok.Diagnostics));
        var dave = ok.Config!.Users.Single(u => u.Name == "dave");
        Assert.Null(dave.Token);
        Assert.NotNull(dave.Totp);

        // No static token for dave: nothing he could send logs him in that way.
        var users = Airlock.Gateway.Identity.StaticTokenAuthenticator.FromConfig(ok.Config, new SecretResolver());
        Assert.Equal(["alice"], users.Users);
        Assert.Null(users.Authenticate("dave", string.Empty));
    }

    [Theory]
    [InlineData("people: { groups: [approvers] }", null, 15)]
    [InlineData("people: { groups: [approvers, dba], mfa: 5m }", null, 5)]
    [InlineData("people: { groups: [approvers], mfa: 0s }", "admin.people.mfa must be a duration", 0)]
    [InlineData("people: { groups: [approvers], mfa: 2d }", "admin.people.mfa must be a duration", 0)]
    [InlineData("people: { groups: [] }", "admin.people.groups must be a non-empty", 0)]
    [InlineData("people: { mfa: 5m }", "needs 'groups'", 0)]
    public void Admin_people_name_groups_and_how_fresh_their_mfa_must_be(string people, string? error, int minutes)
    {
        var result = Load($$"""
            listen: { postgres: 127.0.0.1:15432 }
            policy: ./policies
            store: sqlite:./airlock.db
            admin:
              {{people}}
            """);

        if (error is null)
        {
            Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
            Assert.Equal(TimeSpan.FromMinutes(minutes), result.Config!.Admin.People!.MfaWithin);
            Assert.Contains("approvers", result.Config.Admin.People.Groups);
        }
        else
        {
            var diagnostic = Single(result);
            Assert.Contains(error, diagnostic.Message, StringComparison.Ordinal);
            Assert.Equal(5, diagnostic.Location.Line);
        }
    }
}
