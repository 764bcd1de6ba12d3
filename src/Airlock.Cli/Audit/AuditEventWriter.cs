using Airlock.Store;

namespace Airlock.Cli.Audit;

/// <summary>Prints events as tail and search do: JSON lines (<see cref="AuditJsonLine"/>) or the readable table.</summary>
internal sealed class AuditEventWriter(CliContext context, bool json)
{
    private readonly AuditTable _table = new(context.Out);

    public long Written { get; private set; }

    /// <summary>Events whose body is not a JSON object, left out of JSON output (verify names them).</summary>
    public long Unreadable { get; private set; }

    public void Write(AuditRow row)
    {
        if (!json)
        {
            _table.Write(row);
            Written++;
        }
        else if (AuditJsonLine.Write(context.Out, row) is not { } problem)
        {
            Written++;
        }
        else
        {
            Unreadable++;
            context.Error.WriteLine($"airlock: warning: event {row.Seq} is not one canonical event and was left out ({AuditExportCommand.Printable(problem)}); run 'airlock audit verify'");
        }
    }
}
