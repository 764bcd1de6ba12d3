using Airlock.Gateway.Secrets;
using Airlock.Gateway.Tests.Support;
using Airlock.Policy.Model;

namespace Airlock.Gateway.Tests.Identity;

public sealed class SecretResolverTests
{
    [Fact]
    public void Environment_references_read_the_variable()
    {
        var resolver = new SecretResolver(name => name == "PW" ? "value-1" : null);

        Assert.Equal("value-1", resolver.Resolve(new SecretReference(SecretSource.Env, "PW")));
        var error = Assert.Throws<GatewayException>(() => resolver.Resolve(new SecretReference(SecretSource.Env, "OTHER")));
        Assert.Equal(GatewayErrors.SecretUnresolved, error.ErrorId);
        Assert.Contains("env:OTHER", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_references_drop_trailing_line_ends_only_and_resolve_relative_paths_against_the_base()
    {
        using var dir = new TempDirectory();
        dir.Write("key.pem", "-----BEGIN X-----\nabc\n-----END X-----\r\n\n");
        var resolver = new SecretResolver(baseDirectory: dir.Path);

        Assert.Equal("-----BEGIN X-----\nabc\n-----END X-----", resolver.Resolve(new SecretReference(SecretSource.File, "key.pem")));
    }

    [Fact]
    public void Missing_and_empty_files_are_unresolved_without_their_content()
    {
        using var dir = new TempDirectory();
        dir.Write("empty", "\n");
        var resolver = new SecretResolver(baseDirectory: dir.Path);

        Assert.False(resolver.TryResolve(new SecretReference(SecretSource.File, "empty"), out _, out var emptyError));
        Assert.False(resolver.TryResolve(new SecretReference(SecretSource.File, "absent"), out _, out var missingError));
        Assert.Contains("is empty", emptyError, StringComparison.Ordinal);
        Assert.Contains("does not exist", missingError, StringComparison.Ordinal);
    }
}
