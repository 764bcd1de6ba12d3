using Airlock.Gateway.Configuration;
using Airlock.Gateway.Tests.Support;

namespace Airlock.Gateway.Tests.Configuration;

/// <summary>The gateway's <c>limits:</c> section (issue 14, class I): statement size, logins at once, login time.</summary>
public sealed class LimitsConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private GatewayConfigLoadResult Load(string limits) =>
        GatewayConfigLoader.Load(_dir.Write("gateway.yaml", $"listen: {{ postgres: 127.0.0.1:5432 }}\npolicy: p\nstore: s.db\n{limits}\n"), null);

    [Fact]
    public void Without_limits_the_defaults_are_one_MiB_a_hundred_logins_and_ten_seconds()
    {
        var config = Load(string.Empty).Config!;
        Assert.Equal((1024 * 1024, 100, TimeSpan.FromSeconds(10)), (config.Limits.MaxStatement, config.Limits.MaxUnauthenticated, config.Limits.LoginTimeout));
    }

    [Theory]
    [InlineData("limits: { max_statement: 2MB }", 2 * 1024 * 1024)]
    [InlineData("limits: { max_statement: 512kB }", 512 * 1024)]
    [InlineData("limits: { max_statement: 4MiB }", 4 * 1024 * 1024)]
    [InlineData("limits: { max_statement: 65536 }", 65536)]
    public void Statement_sizes_are_read_in_bytes_or_1024_based_units(string limits, int bytes)
    {
        var result = Load(limits);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(bytes, result.Config!.Limits.MaxStatement);
    }

    [Fact]
    public void Every_limit_can_be_set()
    {
        var limits = Load("limits: { max_statement: 8MB, max_unauthenticated: 20, login_timeout: 5s }").Config!.Limits;
        Assert.Equal((8 * 1024 * 1024, 20, TimeSpan.FromSeconds(5)), (limits.MaxStatement, limits.MaxUnauthenticated, limits.LoginTimeout));
    }

    [Theory]
    [InlineData("limits: { max_statement: 100 }", 4, 26, "from 1kB to 64MB")]
    [InlineData("limits: { max_statement: 1GB }", 4, 26, "from 1kB to 64MB")]
    [InlineData("limits: { max_statement: lots }", 4, 26, "from 1kB to 64MB")]
    [InlineData("limits: { max_unauthenticated: 0 }", 4, 32, "from 1 to 100000")]
    [InlineData("limits: { login_timeout: 1h }", 4, 26, "at most 5m")]
    public void Bad_limits_are_reported_at_the_value(string limits, int line, int column, string message)
    {
        var result = Load(limits);
        Assert.False(result.Succeeded);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(GatewayErrors.InvalidValue, diagnostic.Id);
        Assert.Equal((line, column), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_limit_is_an_unknown_key()
    {
        var result = Load("limits: { max_statements: 1MB }");
        Assert.False(result.Succeeded);
        Assert.Equal(GatewayErrors.UnknownKey, Assert.Single(result.Diagnostics).Id);
    }
}
