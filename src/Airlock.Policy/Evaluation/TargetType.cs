using Airlock.Policy.Model;

namespace Airlock.Policy.Evaluation;

/// <summary>The kind of action: a SQL statement, a command, or an HTTP request.</summary>
public enum TargetType
{
    Sql,
    Command,
    Http,
}

internal static class TargetTypes
{
    public static TargetType For(ResourceType type) => type switch
    {
        ResourceType.Postgres => TargetType.Sql,
        ResourceType.Command => TargetType.Command,
        _ => TargetType.Http,
    };
}
