using System.CommandLine;
using Airlock.Audit;
using Airlock.Cli.Audit;
using Airlock.Cli.Gateway;
using Airlock.Cli.Mask;
using Airlock.Cli.Policy;
using Airlock.Cli.Sql;
using Airlock.Sql.Native;
using Airlock.Store;

namespace Airlock.Cli;

/// <summary>The root of the <c>airlock</c> command. Each command group lives in the folder of its feature.</summary>
internal static class AirlockCli
{
    /// <summary>Exit codes: 0 success, 1 the thing checked failed, 2 bad usage or input, 69 a required component (the SQL engine, the store) is missing or unavailable, 70 an internal fault, 130 interrupted.</summary>
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Unavailable = 69;
    public const int Internal = 70;

    /// <summary>Interrupted (Ctrl+C) before the command finished: 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;

    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("Airlock: a gateway for debugging production safely. Policy as code, masking, tamper-evident audit.");
        root.Add(PolicyCommands.Build(context));
        root.Add(SqlCommands.Build(context));
        root.Add(MaskCommand.Build(context));
        root.Add(ServeCommand.Build(context));
        root.Add(DemoCommand.Build(context));
        root.Add(SessionsCommands.Build(context));
        root.Add(ReviewsCommands.Build(context));
        root.Add(AccessCommands.Request(context));
        root.Add(AccessCommands.Grants(context));
        root.Add(TokensCommands.Build(context));
        root.Add(MfaCommand.Build(context));
        root.Add(LoginCommands.Login(context));
        root.Add(LoginCommands.Logout(context));
        root.Add(LoginCommands.WhoAmI(context));
        root.Add(LoginCommands.Connect(context));
        root.Add(AuditCommands.Build(context));
        return root;
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new Stack<string>();
        for (var current = result; current?.Parent is System.CommandLine.Parsing.CommandResult parent; current = parent)
        {
            names.Push(current.Command.Name);
        }

        return names;
    }

    /// <summary>Runs one command line to completion; returns its exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider? time = null, TextReader? stdin = null)
    {
        var context = NewContext(stdout, stderr, time, stdin);
        try
        {
            return TryParse(context, args, out var parse) ?? parse.Invoke(InvocationFor(context));
        }
        catch (Exception ex) when (Failure(ex) is { } failure)
        {
            stderr.WriteLine(TerminalText.Line(failure.Message));
            return failure.Code;
        }
    }

    /// <summary>
    /// Runs one command line. Long-running commands (such as <c>audit tail --follow</c>) stop cleanly when
    /// <paramref name="cancellationToken"/> is cancelled; without a token (the real process), Ctrl+C and
    /// SIGTERM cancel them instead.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider? time = null, TextReader? stdin = null, CancellationToken cancellationToken = default)
    {
        var context = NewContext(stdout, stderr, time, stdin);
        try
        {
            if (TryParse(context, args, out var parse) is { } usage)
            {
                return usage;
            }

            var invocation = InvocationFor(context);
            if (!cancellationToken.CanBeCanceled)
            {
                // System.CommandLine turns SIGINT/SIGTERM into cancellation only when given a grace period;
                // a command still running after it is ended with 130 (or 143).
                invocation.ProcessTerminationTimeout = TimeSpan.FromSeconds(2);
            }

            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception ex) when (Failure(ex) is { } failure)
        {
            await stderr.WriteLineAsync(TerminalText.Line(failure.Message));
            return failure.Code;
        }
    }

    private static CliContext NewContext(TextWriter stdout, TextWriter stderr, TimeProvider? time, TextReader? stdin) =>
        new(stdin ?? Console.In, stdout, stderr, time ?? TimeProvider.System)
        {
            // Progress lines are for a person watching, not for a log or a test capturing stderr.
            ErrorIsTerminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected,
        };

    private static InvocationConfiguration InvocationFor(CliContext context) =>
        new() { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false };

    /// <summary>Parses; on usage errors prints them and returns the exit code, otherwise returns null.</summary>
    private static int? TryParse(CliContext context, string[] args, out ParseResult parse)
    {
        parse = Build(context).Parse(args);
        if (parse.Errors.Count == 0)
        {
            return null;
        }

        // Usage errors exit 2 with the problem and where to look, not a wall of help text.
        foreach (var error in parse.Errors)
        {
            context.Error.WriteLine($"airlock: {error.Message}");
        }

        context.Error.WriteLine($"Run '{string.Join(' ', ["airlock", .. CommandPath(parse.CommandResult)])} --help' for usage.");
        return Usage;
    }

    /// <summary>The message and exit code for a failure, or null to let it through (AIRLOCK_DEBUG=1, for developers).</summary>
    private static (int Code, string Message)? Failure(Exception exception) => exception switch
    {
        SqlEngineUnavailableException ex => (Unavailable, $"airlock: error AL9001: {ex.Message}"),
        CliUsageException ex => (Usage, $"airlock: {ex.Message}"),

        // Store messages name the store (path, or user@host:port/db) and never a password.
        StoreException { ErrorId: StoreErrors.BadLocation } ex => (Usage, $"airlock: error {ex.ErrorId}: {ex.Message}"),
        StoreException ex => (Unavailable, $"airlock: error {ex.ErrorId}: {ex.Message}"),
        AuditKeyException ex => (Usage, $"airlock: error {AuditKeyException.ErrorId}: {ex.Message}"),
        HttpRequestException ex => (Unavailable, $"airlock: error AL0816: cannot reach the gateway's admin API ({ex.Message}); is the gateway running, and is --gateway right?"),
        OperationCanceledException => (Cancelled, "airlock: cancelled"),

        // No stack traces for users; AIRLOCK_DEBUG=1 lets the exception through for developers.
        _ when Environment.GetEnvironmentVariable("AIRLOCK_DEBUG") is null => (Internal, $"airlock: internal error AL9000: {exception.GetType().Name}: {exception.Message}"),
        _ => null,
    };
}

/// <summary>Where commands read and write, and the clock they read.</summary>
internal sealed record CliContext(TextReader In, TextWriter Out, TextWriter Error, TimeProvider Time)
{
    /// <summary>Standard error is a terminal that a person watches: progress lines are shown there.</summary>
    public bool ErrorIsTerminal { get; init; }
}

/// <summary>A command was given options it cannot act on; the message says which and why.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
