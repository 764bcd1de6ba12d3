using Airlock.Sql.Analysis;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>What a SET, RESET or DISCARD changes, as the gateway's session guard reads it (issue 14, classes B and I).</summary>
public sealed class SettingChangeTests
{
    private static SettingChange? Of(string sql) => Assert.Single(SqlAnalyzer.Shared.Analyze(sql).Statements).Setting;

    [Theory]
    [InlineData("SET statement_timeout = 0", "statement_timeout", SettingAction.Set, "0", false)]
    [InlineData("SET LOCAL lock_timeout TO '5s'", "lock_timeout", SettingAction.Set, "5s", true)]
    [InlineData("SET SESSION statement_timeout = 1.5", "statement_timeout", SettingAction.Set, "1.5", false)]
    [InlineData("set \"Standard_Conforming_Strings\" = off", "standard_conforming_strings", SettingAction.Set, "off", false)]
    [InlineData("SET standard_conforming_strings TO true", "standard_conforming_strings", SettingAction.Set, "true", false)]
    [InlineData("SET client_encoding = 'SJIS'", "client_encoding", SettingAction.Set, "SJIS", false)]
    [InlineData("SET NAMES 'LATIN1'", "client_encoding", SettingAction.Set, "LATIN1", false)]
    [InlineData("SET application_name = 'airlock:bob'", "application_name", SettingAction.Set, "airlock:bob", false)]
    [InlineData("SET statement_timeout TO DEFAULT", "statement_timeout", SettingAction.SetDefault, null, false)]
    [InlineData("RESET lock_timeout", "lock_timeout", SettingAction.Reset, null, false)]
    [InlineData("RESET ALL", "all", SettingAction.ResetAll, null, false)]
    [InlineData("DISCARD ALL", "all", SettingAction.ResetAll, null, false)]
    [InlineData("SET ROLE admin", "role", SettingAction.Set, null, false)]
    [InlineData("SET SESSION AUTHORIZATION DEFAULT", "session_authorization", SettingAction.SetDefault, null, false)]
    [InlineData("SET my.password = 'Hunter2'", "my.password", SettingAction.Set, null, false)]
    public void Settings_are_read_with_their_form_and_the_values_the_gateway_checks(string sql, string name, SettingAction action, string? value, bool local)
    {
        var change = Of(sql);
        Assert.NotNull(change);
        Assert.Equal((name, action, value, local), (change.Name, change.Action, change.Value, change.Local));
    }

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("DISCARD PLANS")]
    [InlineData("SHOW statement_timeout")]
    public void Other_statements_change_no_setting(string sql) => Assert.Null(Of(sql));
}
