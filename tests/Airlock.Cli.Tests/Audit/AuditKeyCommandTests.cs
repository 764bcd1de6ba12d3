using Airlock.Audit;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Audit;

public sealed class AuditKeyCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("airlock-cli-keys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Keygen_writes_a_private_key_readable_by_its_owner_only_and_prints_the_public_half()
    {
        var path = Path.Combine(_directory, "audit.pem");

        var result = CliRunner.Run("audit", "keygen", "--output", path);

        Assert.Equal(0, result.ExitCode);
        using var key = AuditSigningKey.Load(path);
        Assert.StartsWith($"key id: {key.KeyId}\n-----BEGIN PUBLIC KEY-----\n", result.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains(key.ExportPublicKeyPem().Trim(), result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", result.Out, StringComparison.Ordinal);
        Assert.Contains($"wrote private key {path} (mode 0600)", result.Error, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Equal([path], Directory.GetFiles(_directory)); // no temporary file left behind
    }

    [Fact]
    public void Keygen_refuses_to_overwrite_a_key_unless_forced()
    {
        var path = Path.Combine(_directory, "audit.pem");
        Assert.Equal(0, CliRunner.Run("audit", "keygen", "--output", path).ExitCode);
        var original = File.ReadAllText(path);

        var refused = CliRunner.Run("audit", "keygen", "--output", path);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("already exists; pass --force", refused.Error, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllText(path));

        if (!OperatingSystem.IsWindows())
        {
            // A replaced key gets the owner-only mode, whatever the old file had.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var forced = CliRunner.Run("audit", "keygen", "--output", path, "--force");

        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual(original, File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Public_key_prints_the_same_id_and_pem_for_the_private_and_the_public_file()
    {
        var path = Path.Combine(_directory, "audit.pem");
        var generated = CliRunner.Run("audit", "keygen", "--output", path);
        var publicPath = Path.Combine(_directory, "audit.pub.pem");
        File.WriteAllText(publicPath, generated.Out);

        var fromPrivate = CliRunner.Run("audit", "public-key", "--key", path);
        var fromPublic = CliRunner.Run("audit", "public-key", "--key", publicPath);

        Assert.Equal(0, fromPrivate.ExitCode);
        Assert.Equal(generated.Out, fromPrivate.Out);
        Assert.Equal(generated.Out, fromPublic.Out);
    }

    [Fact]
    public void A_missing_or_bad_key_file_is_an_error_naming_the_file()
    {
        var missing = CliRunner.Run("audit", "public-key", "--key", Path.Combine(_directory, "nope.pem"));
        var bad = Path.Combine(_directory, "bad.pem");
        File.WriteAllText(bad, "not a key");
        var garbage = CliRunner.Run("audit", "public-key", "--key", bad);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("error AL0712", missing.Error, StringComparison.Ordinal);
        Assert.Contains("nope.pem", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, garbage.ExitCode);
        Assert.Contains("bad.pem: not an EC public key", garbage.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", missing.All + garbage.All, StringComparison.Ordinal);
    }
}
