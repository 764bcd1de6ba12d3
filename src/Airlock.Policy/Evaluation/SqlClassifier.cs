using Airlock.Policy.Model;

namespace Airlock.Policy.Evaluation;

/// <summary>What the SQL engine says a statement is, in the terms policy decides on.</summary>
public sealed record ClassifiedSql(StatementKind Kind, string[] Tables, string? Error);

/// <summary>
/// Classifies SQL text for policy. The policy engine does not parse SQL itself: the host plugs in the
/// SQL engine (PostgreSQL's own parser). Without one, SQL can only be given as a kind and tables.
/// </summary>
public delegate ClassifiedSql SqlClassifier(string sql);
