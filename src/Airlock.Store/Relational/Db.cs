using System.Data;
using System.Data.Common;

namespace Airlock.Store.Relational;

/// <summary>Small helpers over ADO.NET that both backends share.</summary>
internal static class Db
{
    public static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    // Typed overloads: a null sent without a type is "unknown" to PostgreSQL, which then cannot type a parameter
    // that only appears in "@p IS NULL OR column = @p" (42P08). Strings and integers keep their type when null.
    public static DbCommand With(this DbCommand command, string name, string? value) => command.With(name, (object?)value).Typed(DbType.String);

    public static DbCommand With(this DbCommand command, string name, long? value) => command.With(name, (object?)value).Typed(DbType.Int64);

    public static DbCommand With(this DbCommand command, string name, int? value) => command.With(name, (object?)value).Typed(DbType.Int32);

    /// <summary>Adds the parameter only when <paramref name="condition"/> holds (a statement that does not name it).</summary>
    public static DbCommand WithIf(this DbCommand command, bool condition, string name, long? value) => condition ? command.With(name, value) : command;

    private static DbCommand Typed(this DbCommand command, DbType type)
    {
        command.Parameters[^1].DbType = type;
        return command;
    }

    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? NullableInt64(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static byte[] Bytes(this DbDataReader reader, int ordinal) => reader.GetFieldValue<byte[]>(ordinal);
}
