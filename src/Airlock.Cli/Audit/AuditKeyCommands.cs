using System.CommandLine;
using System.Text;
using Airlock.Audit;

namespace Airlock.Cli.Audit;

/// <summary>
/// <c>airlock audit keygen --output FILE [--force]</c> and <c>airlock audit public-key --key FILE</c>: the
/// ECDSA P-256 key that signs checkpoints. The gateway holds the private key; verifiers get only the public one.
/// </summary>
internal static class AuditKeyCommands
{
    public static Command BuildKeygen(CliContext context)
    {
        var output = new Option<string>("--output", "-o") { Description = "Where to write the private key (PEM, PKCS#8), readable by its owner only (mode 0600).", Required = true, HelpName = "FILE" };
        var force = new Option<bool>("--force") { Description = "Replace the file if it exists." };
        var command = new Command("keygen", "Make a new checkpoint signing key (ECDSA P-256); prints its key id and public key.") { output, force };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!;
            using var key = AuditSigningKey.Generate();
            WritePrivateKey(path, key.ExportPrivateKeyPem(), parse.GetValue(force));
            context.Error.WriteLine($"wrote private key {path} (mode 0600): keep it secret; give verifiers the public key below (airlock audit verify --public-key)");
            WritePublic(context.Out, key.PublicKey);
            return AirlockCli.Ok;
        });
        return command;
    }

    public static Command BuildPublicKey(CliContext context)
    {
        var file = new Option<string>("--key") { Description = "A private or public key PEM file.", Required = true, HelpName = "FILE" };
        var command = new Command("public-key", "Print the public key (PEM) and key id of a checkpoint signing key, for verifiers.") { file };
        command.SetAction(parse =>
        {
            using var key = AuditVerifyingKey.Load(parse.GetValue(file)!);
            WritePublic(context.Out, key);
            return AirlockCli.Ok;
        });
        return command;
    }

    private static void WritePublic(TextWriter output, AuditVerifyingKey key)
    {
        output.WriteLine($"key id: {key.KeyId}");
        output.WriteLine(key.ExportPem().TrimEnd());
    }

    /// <summary>
    /// Writes to a new file created with mode 0600 (never a moment with wider permissions), then moves it into
    /// place: without <paramref name="force"/> the move refuses an existing file, so a key is never overwritten.
    /// </summary>
    private static void WritePrivateKey(string path, string pem, bool force)
    {
        var full = Path.GetFullPath(path);
        if (!force && (File.Exists(full) || Directory.Exists(full)))
        {
            throw new CliUsageException($"{path} already exists; pass --force to replace it (the key in it would be lost)");
        }

        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(pem.TrimEnd() + "\n"));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: force);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw File.Exists(full) && !force
                ? new CliUsageException($"{path} already exists; pass --force to replace it (the key in it would be lost)")
                : new CliUsageException($"{path} cannot be written: {ex.Message}");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temporary file holds the key and is readable by its owner only.
        }
    }
}
