using System.Diagnostics;

namespace Airlock.TestSupport;

/// <summary>The outcome of one finished process: its exit code and everything it wrote.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs an external program to completion, capturing its output.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="args"/> (each passed as its own argument, never joined
    /// into a command line) and waits for it to exit. Standard input is closed at once.
    /// </summary>
    /// <param name="file">The program: a path, or a name looked up on PATH.</param>
    /// <param name="args">The arguments, one element per argument.</param>
    /// <param name="env">Environment variables to set for the child, on top of the ones this process has.</param>
    /// <param name="runAsUser">
    /// When set, runs the program as that user through <c>runuser -u USER -- file args...</c>, which only root may do.
    /// The working directory is then <c>/</c>, so that the other user need not be able to enter ours.
    /// </param>
    /// <param name="cancellationToken">Kills the whole process tree and throws <see cref="OperationCanceledException"/>.</param>
    public static async Task<ProcessResult> RunAsync(
        string file,
        IEnumerable<string> args,
        IDictionary<string, string>? env = null,
        string? runAsUser = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentNullException.ThrowIfNull(args);

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
            start.FileName = "runuser";
            start.WorkingDirectory = "/";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(runAsUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(file);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (env is not null)
        {
            foreach (var (name, value) in env)
            {
                start.Environment[name] = value;
            }
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start '{start.FileName}': {ex.Message}", ex);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it exited on its own in the meantime
            }

            throw;
        }

        // A child that left a daemon behind holding our pipes would keep these open; the token still ends the wait.
        return new ProcessResult(
            process.ExitCode,
            await stdout.WaitAsync(cancellationToken).ConfigureAwait(false),
            await stderr.WaitAsync(cancellationToken).ConfigureAwait(false));
    }
}
