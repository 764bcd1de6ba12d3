using System.Diagnostics;
using Airlock.Cli.Gateway;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Adversarial;

/// <summary>
/// Issue 15, class T: the CLI's credential files (logins.json, pgpass) are written through an exclusive temporary
/// file with a random name, created 0600, never through a file or symlink someone planted; a config directory
/// others own or may write is refused (AL1040), a symlinked logins file too (AL1041); and <c>airlock logout</c>
/// keeps a login it could not revoke, and removes pgpass.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClassT_CredentialFilesTests : IDisposable
{
    private const string Gateway = "http://127.0.0.1:1";
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const string Secret = "als_classT_secret_token";

    private readonly string _root = Directory.CreateTempSubdirectory("airlock-classt-").FullName;
    private readonly string _dir;
    private readonly string _victim;

    public ClassT_CredentialFilesTests()
    {
        _dir = Path.Combine(_root, "config");
        Directory.CreateDirectory(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _victim = Path.Combine(_root, "victim.txt");
        File.WriteAllText(_victim, "victim\n");
        File.SetUnixFileMode(_victim, Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static StoredLogin Login(string gateway = Gateway) => new(gateway, "alice", Secret, "lgn_t1", DateTimeOffset.UtcNow.AddHours(1), 5432);

    private static string OldTemporary(string path) => path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("logins.json")]
    [InlineData("pgpass")]
    public void A_symlink_planted_at_the_old_predictable_temporary_name_is_not_followed(string name)
    {
        var path = Path.Combine(_dir, name);
        File.CreateSymbolicLink(OldTemporary(path), _victim);

        WriteCredential(name);

        Assert.Equal("victim\n", File.ReadAllText(_victim));
        AssertPrivateRegularFileWithToken(path, name);
        Assert.DoesNotContain(Directory.EnumerateFiles(_dir, "*.tmp-*"), f => f != OldTemporary(path));
    }

    [Theory]
    [InlineData("logins.json")]
    [InlineData("pgpass")]
    public void A_symlink_planted_at_the_final_name_is_replaced_not_written_through(string name)
    {
        var path = Path.Combine(_dir, name);
        if (name == "pgpass")
        {
            File.CreateSymbolicLink(path, _victim);
            StoredLogins.WritePgpass(_dir, "127.0.0.1", 5432, Login());
        }
        else
        {
            // Reading a planted logins.json link is refused outright: it is not a file airlock wrote.
            File.CreateSymbolicLink(path, _victim);
            var refused = CliRunner.Run("connect", "demo", "--print", "--gateway", Gateway, "--config-dir", _dir);
            Assert.Equal(AirlockCli.Usage, refused.ExitCode);
            Assert.Contains(CredentialDirectory.LinkedFile, refused.Error, StringComparison.Ordinal);
            File.Delete(path);
            File.CreateSymbolicLink(path, _victim);
            Assert.Throws<CliUsageException>(() => StoredLogins.Save(_dir, Login()));
            File.Delete(path);
            StoredLogins.Save(_dir, Login());
        }

        Assert.Equal("victim\n", File.ReadAllText(_victim));
        AssertPrivateRegularFileWithToken(path, name);
    }

    [Fact]
    public void A_world_readable_file_planted_at_the_old_temporary_name_is_not_reused()
    {
        var path = Path.Combine(_dir, "pgpass");
        File.WriteAllText(OldTemporary(path), "planted\n");
        File.SetUnixFileMode(OldTemporary(path), Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        StoredLogins.WritePgpass(_dir, "127.0.0.1", 5432, Login());

        Assert.Equal("planted\n", File.ReadAllText(OldTemporary(path)));
        AssertPrivateRegularFileWithToken(path, "pgpass");
    }

    [Theory]
    [InlineData(UnixFileMode.GroupWrite)]
    [InlineData(UnixFileMode.OtherWrite)]
    public void A_config_directory_others_may_write_is_refused_with_its_id(UnixFileMode extra)
    {
        StoredLogins.Save(_dir, Login());
        File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | extra | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        var connect = CliRunner.Run("connect", "demo", "--print", "--gateway", Gateway, "--config-dir", _dir);
        Assert.Equal(AirlockCli.Usage, connect.ExitCode);
        Assert.Contains("AL1040", connect.Error, StringComparison.Ordinal);
        Assert.Contains("chmod 700", connect.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, connect.Out + connect.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "pgpass")));
        var error = Assert.Throws<CliUsageException>(() => StoredLogins.WritePgpass(_dir, "127.0.0.1", 5432, Login()));
        Assert.Contains("AL1040", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_directory_owned_by_someone_else_is_refused_with_its_id()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the owner is read with statx(2); elsewhere only the mode is checked (docs/security.md, T.)
        }

        if (Environment.UserName != "root")
        {
            // Not root: no directory can be given away, but / is root's and not ours.
            var notOurs = Assert.Throws<CliUsageException>(() => CredentialDirectory.Check("/"));
            Assert.Contains("AL1040", notOurs.Message, StringComparison.Ordinal);
            return;
        }

        using (var chown = Process.Start("chown", ["nobody", _dir]))
        {
            chown.WaitForExit();
            Assert.Equal(0, chown.ExitCode);
        }

        var error = Assert.Throws<CliUsageException>(() => StoredLogins.Save(_dir, Login()));
        Assert.Contains("AL1040", error.Message, StringComparison.Ordinal);
        Assert.Contains("not to you", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "logins.json")));
    }

    [Fact]
    public void Logout_with_the_gateway_down_keeps_the_login_to_retry_and_removes_pgpass()
    {
        StoredLogins.Save(_dir, Login());
        var pgpass = StoredLogins.WritePgpass(_dir, "127.0.0.1", 5432, Login());
        Assert.True(File.Exists(pgpass));

        var logout = CliRunner.Run("logout", "--gateway", Gateway, "--config-dir", _dir);

        Assert.Equal(AirlockCli.Unavailable, logout.ExitCode);
        Assert.Contains("NOT revoked", logout.Error, StringComparison.Ordinal);
        Assert.Contains("airlock logout again", logout.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(pgpass));
        Assert.Equal("lgn_t1", StoredLogins.Find(_dir, Gateway)?.Id);
        Assert.DoesNotContain(Secret, logout.Out + logout.Error, StringComparison.Ordinal);
    }

    private void WriteCredential(string name)
    {
        if (name == "pgpass")
        {
            StoredLogins.WritePgpass(_dir, "127.0.0.1", 5432, Login());
        }
        else
        {
            StoredLogins.Save(_dir, Login());
        }
    }

    private static void AssertPrivateRegularFileWithToken(string path, string name)
    {
        var info = new FileInfo(path);
        Assert.Null(info.LinkTarget);
        Assert.True(info.Exists, name);
        Assert.Equal(Private, File.GetUnixFileMode(path));
        Assert.Contains(Secret, File.ReadAllText(path), StringComparison.Ordinal);
    }
}
