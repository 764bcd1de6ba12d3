using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;
using Airlock.Policy.Yaml;
using Airlock.Masking;

namespace Airlock.Policy.Loading;

internal sealed partial class BundleReader
{
    private static readonly Dictionary<string, MaskingStrategy> Strategies = new(StringComparer.Ordinal)
    {
        ["redact"] = MaskingStrategy.Redact,
        ["partial"] = MaskingStrategy.Partial,
        ["token"] = MaskingStrategy.Token,
        ["format"] = MaskingStrategy.Format,
        ["hash"] = MaskingStrategy.Hash,
        ["null"] = MaskingStrategy.Null,
    };

    private void ReadMasking(YamlScalar key, YamlNode node)
    {
        if (_masking is not null)
        {
            Binder.Report(PolicyErrors.DuplicateDefinition, key.Location, $"'masking' is already defined at {_masking.Location}; keep it in one file");
            return;
        }

        if (Binder.Mapping(node, "masking") is not { } masking)
        {
            return;
        }

        Binder.CheckKeys(masking, "masking", "default", "columns", "entities", "unmask");
        var enabled = true;
        if (masking["default"] is { } d)
        {
            enabled = Binder.Bool(d, "masking default (on or off)") ?? true;
        }

        var columns = new List<ColumnMaskRule>();
        if (masking["columns"] is { } c && Binder.Mapping(c, "masking columns") is { } columnMap)
        {
            foreach (var (column, strategyNode) in columnMap.Entries)
            {
                if (!IsColumnPattern(column.Value))
                {
                    Binder.Report(PolicyErrors.InvalidValue, column.Location, $"column '{column.Value}' must be written table.column (globs allowed, e.g. *.email)");
                }
                else if (ReadStrategy(strategyNode) is { } strategy)
                {
                    columns.Add(new ColumnMaskRule(column.Value, strategy, column.Location));
                }
            }
        }

        var entities = new Dictionary<string, MaskingStrategy>(StringComparer.Ordinal);
        if (masking["entities"] is { } e && Binder.Mapping(e, "masking entities") is { } entityMap)
        {
            foreach (var (entity, strategyNode) in entityMap.Entries)
            {
                if (CheckEntity(entity.Value, entity.Location) && ReadStrategy(strategyNode) is { } strategy)
                {
                    entities[entity.Value] = strategy;
                }
            }
        }

        var unmask = new List<UnmaskGrant>();
        if (masking["unmask"] is { } u && Binder.Sequence(u, "unmask") is { } grants)
        {
            foreach (var item in grants.Items)
            {
                if (ReadUnmask(item) is { } grant)
                {
                    unmask.Add(grant);
                }
            }
        }

        _masking = new MaskingDefinition { Enabled = enabled, Columns = columns, Entities = entities, Unmask = unmask, Location = key.Location };
    }

    private UnmaskGrant? ReadUnmask(YamlNode node)
    {
        if (Binder.Mapping(node, "an unmask grant") is not { } grant)
        {
            return null;
        }

        Binder.CheckKeys(grant, "an unmask grant", "id", "users", "groups", "resources", "columns", "entities");
        if (grant["id"] is not YamlScalar { IsNull: false } id)
        {
            Binder.Report(PolicyErrors.MissingKey, grant.Location, "an unmask grant needs an 'id', so the audit can name it");
            return null;
        }

        if (!Binder.ValidName(id, "unmask grant id"))
        {
            return null;
        }

        if (!_definedNames.TryAdd($"unmask:{id.Value}", id.Location))
        {
            Binder.Report(PolicyErrors.DuplicateDefinition, id.Location, $"unmask grant '{id.Value}' is defined twice");
            return null;
        }

        var principals = ReadPrincipals(grant);
        if (principals.IsAnyone)
        {
            // Unmasking for everyone would turn masking off by the back door; 'default: off' says that openly.
            Binder.Report(PolicyErrors.MissingKey, grant.Location, $"unmask grant '{id.Value}' must name 'users' or 'groups'");
        }

        var columns = grant["columns"] is { } c ? Binder.Strings(c, "columns") : [];
        foreach (var column in columns.Where(x => !IsColumnPattern(x)))
        {
            Binder.Report(PolicyErrors.InvalidValue, grant["columns"]!.Location, $"column '{column}' must be written table.column (globs allowed)");
        }

        var entities = grant["entities"] is { } e ? Binder.Names(e, "entities") : [];
        foreach (var entity in entities)
        {
            CheckEntity(entity.Name, entity.Location);
        }

        if (columns.Count == 0 && entities.Count == 0)
        {
            Binder.Report(PolicyErrors.MissingKey, grant.Location, $"unmask grant '{id.Value}' must name 'columns' or 'entities'");
        }

        return new UnmaskGrant
        {
            Id = id.Value,
            Principals = principals,
            Resources = grant["resources"] is { } r ? ReadResourceSelector(r) : ResourceSelector.Any,
            Columns = columns,
            Entities = [.. entities.Select(x => x.Name)],
            Location = id.Location,
        };
    }

    private MaskingStrategy? ReadStrategy(YamlNode node) => Binder.Choice(node, "masking strategy", Strategies, PolicyErrors.UnknownMasking);

    private bool CheckEntity(string name, SourceLocation location)
    {
        if (EntityTypes.Defaults.ContainsKey(name))
        {
            return true;
        }

        var suggestion = Suggest.Closest(name, EntityTypes.Defaults.Keys);
        Binder.Report(PolicyErrors.UnknownMasking, location,
            $"entity type '{name}' is unknown{(suggestion is null ? $"; known types: {string.Join(", ", EntityTypes.Defaults.Keys)}" : $" (did you mean '{suggestion}'?)")}");
        return false;
    }

    private static bool IsColumnPattern(string text)
    {
        var dot = text.LastIndexOf('.');
        return dot > 0 && dot < text.Length - 1 && !text.Any(char.IsWhiteSpace);
    }
}
