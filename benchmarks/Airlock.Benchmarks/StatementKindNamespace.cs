// StatementKind is moving from Airlock.Policy.Model to Airlock.Sql (the SQL engine sorts statements into
// kinds; policy decides on them). The csproj defines AIRLOCK_SQL_STATEMENT_KIND once the old file is
// gone, so the benchmarks build on both sides of the move. Once it has landed, replace this file with
// `using Airlock.Sql;` where StatementKind is used, and drop the csproj condition.
#if AIRLOCK_SQL_STATEMENT_KIND
global using Airlock.Sql;
#endif
