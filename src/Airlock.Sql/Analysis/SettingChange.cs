namespace Airlock.Sql.Analysis;

/// <summary>
/// What a SET, RESET or DISCARD ALL statement does to one run-time setting (sql-set.html, sql-reset.html):
/// the gateway pins some settings and bounds others, so it needs the name, the form and the value as written.
/// </summary>
/// <param name="Name">The setting, lower case (names are case-insensitive, guc_name_compare in guc.c); <c>all</c> for RESET ALL and DISCARD ALL; <c>role</c> and <c>session_authorization</c> for SET ROLE and SET SESSION AUTHORIZATION.</param>
/// <param name="Action">Which form of the statement.</param>
/// <param name="Value">For <see cref="SettingAction.Set"/> of a setting the gateway checks (lexing, encoding, application_name, the timeouts), the constant as written (a list joined with ", "); null for a value that is not one plain constant, and for every other setting (a value could be a secret).</param>
/// <param name="Local">SET LOCAL: for the current transaction only.</param>
public sealed record SettingChange(string Name, SettingAction Action, string? Value, bool Local);

/// <summary>The forms of <c>VariableSetStmt</c> (VariableSetKind in parsenodes.h), and DISCARD ALL.</summary>
public enum SettingAction
{
    /// <summary><c>SET name = value</c> (VAR_SET_VALUE).</summary>
    Set,

    /// <summary><c>SET name TO DEFAULT</c> (VAR_SET_DEFAULT): the same as RESET.</summary>
    SetDefault,

    /// <summary><c>SET name FROM CURRENT</c> (VAR_SET_CURRENT).</summary>
    SetCurrent,

    /// <summary><c>RESET name</c> (VAR_RESET): back to the value the session started with.</summary>
    Reset,

    /// <summary><c>RESET ALL</c> or <c>DISCARD ALL</c>: every setting back to the value the session started with.</summary>
    ResetAll,

    /// <summary><c>SET TRANSACTION …</c>, <c>SET SESSION CHARACTERISTICS …</c>, SET TIME ZONE forms (VAR_SET_MULTI).</summary>
    Multi,
}
