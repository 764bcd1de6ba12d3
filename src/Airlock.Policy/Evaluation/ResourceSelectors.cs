using Airlock.Policy.Model;
using Airlock.Sql;

namespace Airlock.Policy.Evaluation;

/// <summary>Which resources a selector picks. Used at compile time only: decisions go through the slot index.</summary>
internal static class ResourceSelectors
{
    public static bool Matches(ResourceSelector selector, ResourceDefinition resource)
    {
        if (selector.Names.Count > 0 && !selector.Names.Any(n => Glob.IsMatch(n.Name, resource.Name)))
        {
            return false;
        }

        foreach (var (key, value) in selector.Labels)
        {
            if (!resource.Labels.TryGetValue(key, out var actual) || !Glob.IsMatch(value, actual))
            {
                return false;
            }
        }

        return selector.Types.Count == 0 || selector.Types.Contains(resource.Type);
    }

    /// <summary>Whether a rule's action matchers accept any action in the slot (the slot's kind and target).</summary>
    public static bool AppliesToSlot(ActionSelector actions, int slot)
    {
        if (actions.IsAny)
        {
            return true;
        }

        return PolicySnapshot.TargetOfSlot(slot) switch
        {
            TargetType.Sql => actions.Sql is { } sql && sql.Kinds.Contains((StatementKind)slot),
            TargetType.Command => actions.Command is not null,
            _ => actions.Http is not null,
        };
    }
}
