using System.Diagnostics.CodeAnalysis;
using System.Text;
using Airlock.Policy.Model;

namespace Airlock.Gateway.Secrets;

/// <summary>
/// Reads the value behind a <see cref="SecretReference"/> (<c>env:NAME</c> or <c>file:PATH</c>, parsed by the
/// policy engine's <see cref="Policy.Loading.SecretReferences"/>) at the moment it is needed. Errors name the
/// reference, never the value, and nothing here logs.
/// </summary>
/// <remarks>
/// A file's trailing line ends are dropped (<c>echo token &gt; file</c> writes one), nothing else: a PEM key
/// keeps its inner lines. Relative file paths resolve against <see cref="BaseDirectory"/>; the configuration
/// loader makes them absolute already.
/// </remarks>
public sealed class SecretResolver
{
    /// <summary>A secret file larger than this is refused: secrets are small, and a wrong path could name a huge file.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    private readonly Func<string, string?> _environment;

    /// <summary>A resolver over the given environment lookup and base directory.</summary>
    /// <param name="environment">Looks up an environment variable; the process environment when null (tests pass a dictionary).</param>
    /// <param name="baseDirectory">Where relative <c>file:</c> paths start; the current directory when null.</param>
    public SecretResolver(Func<string, string?>? environment = null, string? baseDirectory = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
        BaseDirectory = baseDirectory;
    }

    /// <summary>Resolves against the process environment and the current directory.</summary>
    public static SecretResolver Default { get; } = new();

    public string? BaseDirectory { get; }

    /// <summary>The secret's value; throws <see cref="GatewayException"/> (<see cref="GatewayErrors.SecretUnresolved"/>) when it cannot be read.</summary>
    public string Resolve(SecretReference reference) =>
        TryResolve(reference, out var value, out var error) ? value : throw new GatewayException(GatewayErrors.SecretUnresolved, error);

    /// <summary>Reads the secret, or says why it cannot (the reason names the reference, never a value).</summary>
    public bool TryResolve(SecretReference reference, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(reference);
        value = null;
        error = null;
        if (reference.Source == SecretSource.Env)
        {
            value = _environment(reference.Name);
            if (string.IsNullOrEmpty(value))
            {
                value = null;
                error = $"{reference} names an environment variable that is not set or empty";
                return false;
            }

            return true;
        }

        var path = BaseDirectory is null ? Path.GetFullPath(reference.Name) : Path.GetFullPath(reference.Name, BaseDirectory);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                error = $"{reference}: file {path} does not exist";
                return false;
            }

            if (info.Length > MaxFileBytes)
            {
                error = $"{reference}: file {path} is {info.Length:N0} bytes; a secret file may be at most {MaxFileBytes:N0} bytes";
                return false;
            }

            var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true)
                .GetString(File.ReadAllBytes(path))
                .TrimStart('\uFEFF')
                .TrimEnd('\r', '\n');
            if (text.Length == 0)
            {
                error = $"{reference}: file {path} is empty";
                return false;
            }

            value = text;
            return true;
        }
        catch (DecoderFallbackException)
        {
            error = $"{reference}: file {path} is not UTF-8 text";
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The exception's message names the path and the OS reason, never the content.
            error = $"{reference}: file {path} cannot be read ({ex.Message})";
            return false;
        }
    }
}
