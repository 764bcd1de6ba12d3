using System.Diagnostics;

namespace Airlock.Gateway.Demo;

/// <summary>The outcome of one finished PostgreSQL tool: its exit code and what it wrote.</summary>
internal sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    public string Output => $"{StandardError.Trim()}\n{StandardOutput.Trim()}".Trim();
}

/// <summary>Runs PostgreSQL's tools (initdb, pg_ctl) to completion, as another user through <c>runuser</c> when asked.</summary>
internal static class ServerProcess
{
    public static async Task<ToolResult> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env, string? runAsUser, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAsUser is null)
        {
            start.FileName = file;
        }
        else
        {
            // initdb and postgres refuse to run as root; runuser switches to the server's user without a password.
            // The working directory must be one that user can enter.
            start.FileName = "runuser";
            start.WorkingDirectory = "/";
            foreach (var arg in (string[])["-u", runAsUser, "--", file])
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in env ?? new Dictionary<string, string>(StringComparer.Ordinal))
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"could not start '{start.FileName}': {ex.Message}", ex);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it exited on its own meanwhile
            }

            throw;
        }

        // pg_ctl start leaves the server running with our pipes inherited by nothing (it redirects to -l),
        // but a tool that left a child holding them would keep these open: the token still ends the wait.
        return new ToolResult(process.ExitCode, await stdout.WaitAsync(cancellationToken), await stderr.WaitAsync(cancellationToken));
    }
}
