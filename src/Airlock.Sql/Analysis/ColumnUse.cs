namespace Airlock.Sql.Analysis;

/// <summary>
/// A table column a statement reads other than whole: <paramref name="Column"/> as in lineage
/// (<c>table.column</c>, <c>table.*</c> for a whole row, <c>?</c> when unresolved), <paramref name="How"/>
/// it is taken apart (e.g. <c>substr()</c>, <c>LIKE</c>, <c>ORDER BY</c>) and the <paramref name="Clause"/>
/// where (e.g. <c>WHERE</c>, <c>JOIN ON</c>, <c>select list</c>).
/// </summary>
public sealed record ColumnUse(string Column, string How, string Clause);
