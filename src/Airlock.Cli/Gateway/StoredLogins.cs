using System.Text;
using System.Text.Json;

namespace Airlock.Cli.Gateway;

/// <summary>One gateway's Airlock session token, as <c>airlock login</c> keeps it.</summary>
/// <param name="Gateway">The admin API's address, as given to <c>--gateway</c> (no trailing slash).</param>
/// <param name="User">Who the identity provider said you are.</param>
/// <param name="Token">The session token (the password psql sends).</param>
/// <param name="Id">The token's id, for <c>airlock logout</c> (revocation) and the audit trail.</param>
/// <param name="ExpiresAt">When the gateway stops honouring it.</param>
/// <param name="PostgresPort">The gateway's PostgreSQL port, for <c>airlock connect</c>.</param>
internal sealed record StoredLogin(string Gateway, string User, string Token, string Id, DateTimeOffset ExpiresAt, int PostgresPort);

/// <summary>
/// The user's logins, in <c>logins.json</c> of their Airlock config directory, readable by them alone
/// (directory 0700 and theirs alone, file 0600, written whole through an exclusive temporary file and renamed into place). A file that others can read is refused,
/// as ssh refuses such a key: the tokens in it would be theirs too. <c>airlock connect --print</c> writes a
/// <c>pgpass</c> file beside it, so a printed psql command names the file, never the token.
/// </summary>
internal static class StoredLogins
{
    public const string DirectoryVariable = "AIRLOCK_CONFIG_DIR";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary><c>--config-dir</c>, else <c>$AIRLOCK_CONFIG_DIR</c>, else <c>$XDG_CONFIG_HOME/airlock</c>, else <c>~/.config/airlock</c>.</summary>
    public static string DirectoryFor(string? option)
    {
        if ((option ?? Environment.GetEnvironmentVariable(DirectoryVariable)) is { Length: > 0 } chosen)
        {
            return Path.GetFullPath(chosen);
        }

        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "airlock");
    }

    /// <summary>The gateway address as logins are keyed: what <c>--gateway</c> resolves to, without a trailing slash.</summary>
    public static string Key(string? gateway) =>
        (gateway ?? Environment.GetEnvironmentVariable(SessionsCommands.GatewayVariable) ?? "http://127.0.0.1:8080").TrimEnd('/');

    public static StoredLogin? Find(string directory, string gateway) => Read(directory).FirstOrDefault(l => l.Gateway == gateway);

    public static void Save(string directory, StoredLogin login) =>
        Write(directory, [.. Read(directory).Where(l => l.Gateway != login.Gateway), login]);

    /// <summary>Forgets the login for <paramref name="gateway"/>; false when there was none.</summary>
    public static bool Remove(string directory, string gateway)
    {
        var logins = Read(directory);
        if (logins.All(l => l.Gateway != gateway))
        {
            return false;
        }

        Write(directory, [.. logins.Where(l => l.Gateway != gateway)]);
        return true;
    }

    /// <summary>Writes the pgpass file for one login (host:port:*:user:token) and returns its path.</summary>
    public static string WritePgpass(string directory, string host, int port, StoredLogin login)
    {
        // pgpass fields escape ':' and '\' with a backslash (PostgreSQL docs, "The Password File").
        static string Field(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal);
        var path = Path.Combine(directory, "pgpass");
        WriteOwnerOnly(directory, path, $"{Field(host)}:{port}:*:{Field(login.User)}:{Field(login.Token)}\n");
        return path;
    }

    /// <summary>Removes the pgpass file <c>airlock connect --print</c> wrote (its token is the one being logged out); false when there was none.</summary>
    public static bool RemovePgpass(string directory)
    {
        var path = Path.Combine(directory, "pgpass");
        if (!Path.Exists(path))
        {
            return false;
        }

        File.Delete(path); // unlink(2): a symlink itself goes, never its target
        return true;
    }

    private static List<StoredLogin> Read(string directory)
    {
        var path = Path.Combine(directory, "logins.json");
        if (!Path.Exists(path))
        {
            return [];
        }

        CredentialDirectory.Check(directory);
        CredentialDirectory.RefuseLink(path);

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != UnixFileMode.None)
        {
            throw new CliUsageException($"{path} can be read by others, so the logins in it are not yours alone: run chmod 600 {path}, then airlock login again");
        }

        try
        {
            return JsonSerializer.Deserialize<StoredFile>(File.ReadAllText(path), Json)?.Logins ?? [];
        }
        catch (JsonException ex)
        {
            throw new CliUsageException($"{path} is not a logins file airlock wrote ({ex.Message}); remove it and run airlock login again");
        }
    }

    private static void Write(string directory, List<StoredLogin> logins) =>
        WriteOwnerOnly(directory, Path.Combine(directory, "logins.json"), JsonSerializer.Serialize(new StoredFile(logins), Json));

    /// <summary>
    /// Writes the file whole and renames it into place. The temporary file has a random name and is created
    /// exclusively (O_CREAT|O_EXCL: a planted file or symlink of that name is an error, never followed or reused)
    /// with mode 0600 from the start. rename(2) replaces a symlink at the final name itself, not what it points to.
    /// </summary>
    private static void WriteOwnerOnly(string directory, string path, string text)
    {
        CredentialDirectory.Ensure(directory);
        var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + ".tmp-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private sealed record StoredFile(List<StoredLogin> Logins);
}
