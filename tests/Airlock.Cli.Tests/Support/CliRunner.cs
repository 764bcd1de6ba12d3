namespace Airlock.Cli.Tests.Support;

/// <summary>Runs the airlock command in-process, capturing what it prints.</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args) => Run(TimeProvider.System, args);

    public static CliResult Run(TimeProvider time, params string[] args) => RunWithInput(string.Empty, time, args);

    /// <summary>Runs with <paramref name="input"/> as standard input.</summary>
    public static CliResult RunWithInput(string input, params string[] args) => RunWithInput(input, TimeProvider.System, args);

    private static CliResult RunWithInput(string input, TimeProvider time, string[] args)
    {
        using var stdin = new StringReader(input);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = AirlockCli.Run(args, stdout, stderr, time, stdin);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs through the asynchronous entry point, which <paramref name="cancellationToken"/> can stop (as Ctrl+C does).</summary>
    public static async Task<CliResult> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var stdin = new StringReader(string.Empty);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await AirlockCli.RunAsync(args, stdout, stderr, TimeProvider.System, stdin, cancellationToken);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Starts a command that runs until stopped (such as <c>audit tail --follow</c>); its output can be read while it runs.</summary>
    public static RunningCli Start(params string[] args) => new(args);

    /// <summary>The repository root, found by walking up to the solution file, so tests use the real samples.</summary>
    public static string RepoRoot { get; } = FindRoot();

    public static string Samples => Path.Combine(RepoRoot, "samples", "policies");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Airlock.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find Airlock.slnx above the test directory");
    }

    /// <summary>Copies the sample bundle to a temp directory that the test may break.</summary>
    public static string CopySamples()
    {
        var target = Path.Combine(Path.GetTempPath(), "airlock-cli-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(Samples, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Samples, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}

internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string All => Out + Error;
}

/// <summary>A command running in the background; <see cref="StopAsync"/> cancels it the way Ctrl+C does.</summary>
internal sealed class RunningCli : IAsyncDisposable
{
    private readonly LockedWriter _stdout = new();
    private readonly LockedWriter _stderr = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _run;

    public RunningCli(string[] args) =>
        _run = Task.Run(() => AirlockCli.RunAsync(args, _stdout, _stderr, TimeProvider.System, new StringReader(string.Empty), _stop.Token));

    public string Out => _stdout.ToString();

    public string Error => _stderr.ToString();

    /// <summary>Waits until the output so far satisfies <paramref name="condition"/>; fails if the command ends or time runs out first.</summary>
    public async Task WaitForOutputAsync(Func<string, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition(Out))
        {
            if (_run.IsCompleted)
            {
                throw new InvalidOperationException($"the command ended ({_run.Status}) before the expected output.\nstdout:\n{Out}\nstderr:\n{Error}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the expected output did not appear.\nstdout:\n{Out}\nstderr:\n{Error}");
            }

            await Task.Delay(20);
        }
    }

    public async Task<CliResult> StopAsync()
    {
        await _stop.CancelAsync();
        var code = await _run.WaitAsync(TimeSpan.FromSeconds(20));
        return new CliResult(code, Out, Error);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // The test has already failed or finished; nothing more to collect.
        }

        _stop.Dispose();
    }

    /// <summary>A string writer that the command writes to on one thread while the test reads it on another.</summary>
    private sealed class LockedWriter : TextWriter
    {
        private readonly System.Text.StringBuilder _text = new();
        private readonly Lock _lock = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_lock)
            {
                _text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                _text.Append(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_lock)
            {
                _text.Append(buffer, index, count);
            }
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            lock (_lock)
            {
                _text.Append(buffer);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_lock)
            {
                _text.Append(value).Append(CoreNewLine);
            }
        }

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override string ToString()
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }
}
