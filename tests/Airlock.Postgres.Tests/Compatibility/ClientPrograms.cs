using Airlock.Postgres.Tests.Support;
using Airlock.TestSupport;

namespace Airlock.Postgres.Tests.Compatibility;

/// <summary>
/// The real client programs the compatibility tests run, and where test.sh installs them from
/// (scripts/prereqs.sh: test_packages, test_programs, test_npm_dirs). Each check program prints key=value lines.
/// </summary>
public static class ClientPrograms
{
    /// <summary>Debian's libpostgresql-jdbc-java.</summary>
    public const string JdbcJar = "/usr/share/java/postgresql.jar";

    /// <summary>Debian's own Python, which has python3-psycopg (a pyenv shim first on PATH may not).</summary>
    public const string DebianPython = "/usr/bin/python3";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string Psql => Path.Combine(PostgresCluster.DefaultBinDirectory, "psql");

    public static string Pgbench => Path.Combine(PostgresCluster.DefaultBinDirectory, "pgbench");

    /// <summary>A file or directory under tests/Airlock.Postgres.Tests/Compatibility in the source tree.</summary>
    public static string Source(params string[] parts) =>
        Path.Combine([GatewayHarness.RepositoryRoot(), "tests", "Airlock.Postgres.Tests", "Compatibility", .. parts]);

    /// <summary>Runs a client to its end (killed after two minutes), failing with a hint when it is not installed.</summary>
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? installHint = null)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            return await ProcessRunner.RunAsync(file, args, env, cancellationToken: timeout.Token);
        }
        catch (InvalidOperationException ex) when (installHint is not null)
        {
            throw new InvalidOperationException($"{ex.Message}. {installHint}", ex);
        }
    }

    /// <summary>The values of every "key=value" line with this key, in order.</summary>
    public static IReadOnlyList<string> Values(ProcessResult result, string key) =>
        [.. result.StandardOutput.Split('\n').Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..].TrimEnd('\r'))];

    /// <summary>The one value of a key.</summary>
    public static string Value(ProcessResult result, string key)
    {
        var values = Values(result, key);
        Assert.True(values.Count == 1, $"expected one line {key}=… but found {values.Count}\nstdout:\n{result.StandardOutput}\nstderr:\n{result.StandardError}");
        return values[0];
    }

    /// <summary>Everything the program said, for assertion messages.</summary>
    public static string Describe(ProcessResult result) => $"exit {result.ExitCode}\nstdout:\n{result.StandardOutput}\nstderr:\n{result.StandardError}";
}
