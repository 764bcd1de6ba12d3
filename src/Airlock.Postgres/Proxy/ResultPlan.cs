using Airlock.Masking;

namespace Airlock.Postgres.Proxy;

/// <summary>How to mask each column of one result, decided once per RowDescription and applied to every DataRow.</summary>
internal sealed class ResultPlan(ColumnPlan[] columns)
{
    public ColumnPlan[] Columns { get; } = columns;

    public bool AnyMasking { get; } = columns.Any(c => c.Masker is not null);
}

/// <summary>One column: its masker (null: shown as is) and whether its type can hold a masked text value.</summary>
internal sealed record ColumnPlan(string Name, ColumnMasker? Masker, bool TextType, int TypeOid, short Format, string? Why);
