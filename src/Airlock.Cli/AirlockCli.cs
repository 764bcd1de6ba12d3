using System.CommandLine;
using Airlock.Cli.Mask;
using Airlock.Cli.Policy;
using Airlock.Cli.Sql;
using Airlock.Sql.Native;

namespace Airlock.Cli;

/// <summary>The root of the <c>airlock</c> command. Each command group lives in the folder of its feature.</summary>
internal static class AirlockCli
{
    /// <summary>Exit codes: 0 success, 1 the thing checked failed, 2 bad usage or input, 69 a required component is missing, 70 an internal fault.</summary>
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Unavailable = 69;
    public const int Internal = 70;

    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("Airlock: a gateway for debugging production safely. Policy as code, masking, tamper-evident audit.");
        root.Add(PolicyCommands.Build(context));
        root.Add(SqlCommands.Build(context));
        root.Add(MaskCommand.Build(context));
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

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider? time = null, TextReader? stdin = null)
    {
        var context = new CliContext(stdin ?? Console.In, stdout, stderr, time ?? TimeProvider.System);
        try
        {
            var parse = Build(context).Parse(args);
            if (parse.Errors.Count > 0)
            {
                // Usage errors exit 2 with the problem and where to look, not a wall of help text.
                foreach (var error in parse.Errors)
                {
                    stderr.WriteLine($"airlock: {error.Message}");
                }

                stderr.WriteLine($"Run '{string.Join(' ', ["airlock", .. CommandPath(parse.CommandResult)])} --help' for usage.");
                return Usage;
            }

            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (SqlEngineUnavailableException ex)
        {
            stderr.WriteLine($"airlock: error AL9001: {ex.Message}");
            return Unavailable;
        }
        catch (CliUsageException ex)
        {
            stderr.WriteLine($"airlock: {ex.Message}");
            return Usage;
        }
        catch (Exception ex) when (Environment.GetEnvironmentVariable("AIRLOCK_DEBUG") is null)
        {
            // No stack traces for users; AIRLOCK_DEBUG=1 lets the exception through for developers.
            stderr.WriteLine($"airlock: internal error AL9000: {ex.GetType().Name}: {ex.Message}");
            return Internal;
        }
    }
}

/// <summary>Where commands read and write, and the clock they read.</summary>
internal sealed record CliContext(TextReader In, TextWriter Out, TextWriter Error, TimeProvider Time);

/// <summary>A command was given options it cannot act on; the message says which and why.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
