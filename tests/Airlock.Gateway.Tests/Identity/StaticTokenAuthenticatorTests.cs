using System.Security.Cryptography;
using System.Text;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Identity;
using Airlock.Gateway.Secrets;
using Airlock.Gateway.Tests.Support;

namespace Airlock.Gateway.Tests.Identity;

public sealed class StaticTokenAuthenticatorTests
{
    private static byte[] Sha(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static readonly StaticTokenAuthenticator Authenticator = new(
    [
        KeyValuePair.Create("alice", Sha("alice-token-1")),
        KeyValuePair.Create("bob", Sha("bob-token-✓")),
    ]);

    [Fact]
    public void The_right_token_authenticates_its_user() => Assert.Equal("alice", Authenticator.Authenticate("alice", "alice-token-1"));

    [Fact]
    public void Non_ascii_tokens_are_hashed_as_utf8() => Assert.Equal("bob", Authenticator.Authenticate("bob", "bob-token-✓"));

    [Theory]
    [InlineData("alice", "alice-token-2")]
    [InlineData("alice", "bob-token-✓")]
    [InlineData("alice", "")]
    [InlineData("Alice", "alice-token-1")]
    public void A_wrong_token_or_another_users_token_is_refused(string user, string token) => Assert.Null(Authenticator.Authenticate(user, token));

    [Fact]
    public void An_unknown_user_is_refused_even_with_a_known_token() => Assert.Null(Authenticator.Authenticate("mallory", "alice-token-1"));

    [Fact]
    public void A_long_token_is_hashed_without_trouble() =>
        Assert.Null(Authenticator.Authenticate("alice", new string('x', 100_000)));

    [Fact]
    public void Users_come_from_the_configuration_with_hashes_and_references()
    {
        using var dir = new TempDirectory();
        dir.Write("carol.token", "carol-file-token\n");
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["BOB_TOKEN"] = "bob-env-token" };
        var result = GatewayConfigLoader.Load(dir.Write("gateway.yaml", $$"""
            listen: { postgres: 127.0.0.1:0 }
            policy: p
            store: s.db
            users:
              alice: { token_sha256: {{Convert.ToHexStringLower(Sha("alice-hashed"))}} }
              bob: { token: env:BOB_TOKEN }
              carol: { token: file:carol.token }
            admin:
              tokens: [ { name: ops, token_sha256: {{Convert.ToHexString(Sha("admin-token"))}} } ]
            """));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));

        var users = StaticTokenAuthenticator.FromConfig(result.Config!, new SecretResolver(env.GetValueOrDefault));
        var admins = AdminTokenAuthenticator.FromConfig(result.Config!, SecretResolver.Default);

        Assert.Equal(["alice", "bob", "carol"], users.Users.Order(StringComparer.Ordinal));
        Assert.Equal("alice", users.Authenticate("alice", "alice-hashed"));
        Assert.Equal("bob", users.Authenticate("bob", "bob-env-token"));
        Assert.Equal("carol", users.Authenticate("carol", "carol-file-token"));
        Assert.Null(users.Authenticate("carol", "carol-file-token\n"));
        Assert.Equal("ops", admins.Authenticate("admin-token"));
        Assert.Null(admins.Authenticate("alice-hashed"));
    }

    [Fact]
    public void An_unresolvable_token_reference_fails_with_its_location_and_no_value()
    {
        using var dir = new TempDirectory();
        var result = GatewayConfigLoader.Load(dir.Write("gateway.yaml", """
            listen: { postgres: 127.0.0.1:0 }
            policy: p
            store: s.db
            users:
              bob: { token: env:AIRLOCK_TEST_UNSET_TOKEN }
            """));

        var error = Assert.Throws<GatewayException>(() => StaticTokenAuthenticator.FromConfig(result.Config!, new SecretResolver(_ => null)));

        Assert.Equal(GatewayErrors.SecretUnresolved, error.ErrorId);
        Assert.Contains("gateway.yaml:5:17", error.Message, StringComparison.Ordinal);
        Assert.Contains("env:AIRLOCK_TEST_UNSET_TOKEN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_admin_tokens_means_nobody_is_admin() => Assert.Null(new AdminTokenAuthenticator([]).Authenticate("anything"));

    [Fact]
    public void A_hash_of_the_wrong_size_is_refused_at_construction() =>
        Assert.Throws<ArgumentException>(() => new StaticTokenAuthenticator([KeyValuePair.Create("alice", new byte[16])]));
}
