using System.Globalization;
using System.Text;
using Airlock.Pipeline;
using Airlock.Policy.Model;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// The settings the gateway pins for the whole session (issue 14, class B): how the server lexes SQL
/// (standard_conforming_strings, client_encoding), whether it may write (default_transaction_read_only),
/// and who the session is (session_authorization, is_superuser, application_name). They are set
/// deliberately at session start (startup options, which outrank role and database defaults: GucSource in
/// guc.h), checked in the server's first report, and watched in every ParameterStatus after: a change the
/// gateway did not make ends the session (AL0950), and the session.end records which setting.
/// <code>
///  login ─► options: -c standard_conforming_strings=on [-c default_transaction_read_only=on] -c *_timeout=policy
///        ─► first ParameterStatus values checked (AL0961) ─► pins
///  later ParameterStatus ─┬─ during the gateway's own SET default_transaction_read_only ─► pin follows it
///                         └─ any other change of a pinned value ─► session ends (AL0950), not relayed
/// </code>
/// Because the server reports changes only with its ReadyForQuery (ReportChangedGUCOptions, postgres.c),
/// the frontend holds a client's next step until every ReadyForQuery already due has been read
/// (<see cref="WaitForReadyAsync"/>): a statement pipelined behind one that changed a pinned setting never
/// reaches the server.
/// </summary>
internal sealed partial class PgClientConnection
{
    /// <summary>Pinned setting → the value the gateway holds it to (read from the server's first report).</summary>
    private readonly Dictionary<string, string> _pins = new(StringComparer.OrdinalIgnoreCase);

    private TaskCompletionSource? _readyWaiter;

    /// <summary>
    /// The server is in COPY FROM STDIN (it sent CopyInResponse): it waits for the client's data, so nothing
    /// the client sends is held until the ReadyForQuery that ends it.
    /// </summary>
    private bool _copyIn;

    /// <summary>Reported settings (GUC_REPORT) pinned besides <see cref="SessionSettingsGuard.Pinned"/>: the session's identity.</summary>
    private static readonly string[] IdentitySettings = ["session_authorization", "is_superuser"];

    /// <summary>The <c>options</c> startup parameter: the pinned lexing and read-only mode, and policy's timeouts.</summary>
    private string UpstreamOptions(SessionLimits limits)
    {
        var options = new StringBuilder("-c standard_conforming_strings=on");
        if (_session!.ReadOnly)
        {
            // Enforced by the server itself: a statement the parser misjudged still cannot write.
            options.Append(" -c default_transaction_read_only=on");
        }

        foreach (var (name, value) in SessionSettingsGuard.StartupTimeouts(limits))
        {
            // As startup options they are also what RESET and SET … TO DEFAULT return to (the session's reset value).
            options.Append(CultureInfo.InvariantCulture, $" -c {name}={value}");
        }

        return options.ToString();
    }

    /// <summary>
    /// Pins the values the server reported at login, after checking those the gateway requires; returns the
    /// refusal (AL0961) when the server did not start the session as asked.
    /// </summary>
    private PgError? PinUpstreamSettings()
    {
        var reported = _upstream!.Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        string? Reported(string name) => reported.GetValueOrDefault(name);
        if (Reported("standard_conforming_strings") != "on")
        {
            return GatewayErrors.UpstreamSettings("standard_conforming_strings", "on");
        }

        if (Reported("client_encoding") is not { } encoding || !IsUtf8(encoding))
        {
            return GatewayErrors.UpstreamSettings("client_encoding", "UTF8");
        }

        if (_session!.ReadOnly && Reported("default_transaction_read_only") != "on")
        {
            return GatewayErrors.UpstreamSettings("default_transaction_read_only", "on");
        }

        if (Reported("application_name") is not { } application || !UnderMark(application))
        {
            return GatewayErrors.UpstreamSettings("application_name", Mark + "[:APP]");
        }

        foreach (var name in SessionSettingsGuard.Pinned.Concat(IdentitySettings))
        {
            if (Reported(name) is { } value)
            {
                _pins[name] = value;
            }
        }

        return null;
    }

    /// <summary>
    /// A ParameterStatus from the server. Returns false when it must not reach the client: a pinned value
    /// changed, so the session is ending (the caller stops relaying at once).
    /// </summary>
    private bool OnParameterStatus(ReadOnlySpan<byte> payload, bool gatewaysOwn)
    {
        var r = new PgReader(payload);
        var name = r.ReadCString();
        var value = r.ReadCString();
        if (string.Equals(name, "application_name", StringComparison.OrdinalIgnoreCase) && UnderMark(value))
        {
            // Any name under the session's own mark is fine (the client's SET goes up marked).
            return true;
        }

        if (!_pins.TryGetValue(name, out var pinned) || string.Equals(pinned, value, StringComparison.Ordinal))
        {
            return true;
        }

        if (gatewaysOwn && string.Equals(name, "default_transaction_read_only", StringComparison.OrdinalIgnoreCase))
        {
            // The gateway's own switch (FollowReadOnlyMode, an approved write in a read-only session).
            _pins[name] = value;
            return true;
        }

        // The new value is neither relayed nor recorded: whatever set it may have put data in it.
        _session!.End(SessionEnd.SettingChanged(name));
        return false;
    }

    /// <summary>
    /// Holds the client's next step until the server has answered every Query and Sync already sent (their
    /// ReadyForQuery, and the ParameterStatus reports that come just before it, have been read and checked).
    /// What was written upstream is flushed first, so the answer can come.
    /// </summary>
    private async ValueTask WaitForReadyAsync(System.IO.Pipelines.PipeWriter upstream, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _copyIn) || !_tracker.AwaitsReady())
        {
            return;
        }

        await upstream.FlushAsync(cancellationToken);
        while (true)
        {
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _readyWaiter, waiter);
            if (Volatile.Read(ref _copyIn) || !_tracker.AwaitsReady())
            {
                return;
            }

            await waiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Called by the backend after each ReadyForQuery it handled: wakes a frontend waiting in <see cref="WaitForReadyAsync"/>.</summary>
    private void ReadyForQueryHandled()
    {
        Volatile.Write(ref _copyIn, false);
        WakeFrontend();
    }

    /// <summary>Wakes a frontend waiting in <see cref="WaitForReadyAsync"/> to look again at what is still due.</summary>
    private void WakeFrontend() => Volatile.Read(ref _readyWaiter)?.TrySetResult();

    /// <summary>Called by the backend on CopyInResponse: the server now waits for the client (see <see cref="_copyIn"/>).</summary>
    private void CopyInStarted()
    {
        Volatile.Write(ref _copyIn, true);
        WakeFrontend();
    }

    /// <summary>Whether an application_name would pose as the gateway's upstream mark (airlock:USER…), in any case.</summary>
    private static bool PosesAsAirlockMark(string application) => application.Contains("airlock:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Messages that go on while a Query is outstanding (COPY FROM STDIN data) or ask for nothing (Flush, Terminate): never held.</summary>
    private static bool WaitsForReady(byte type) => type is not ((byte)'d' or (byte)'c' or (byte)'f' or (byte)'H' or (byte)'X');
}
