using Airlock.Policy.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Airlock.Policy.Yaml;

/// <summary>
/// Reads one YAML file into a <see cref="YamlNode"/> tree. It never throws for bad input: every
/// problem becomes a diagnostic, and the result is null when the file cannot be used.
/// </summary>
internal static class YamlTreeReader
{
    /// <summary>Deeper than any sane policy; shallow enough that recursion can never exhaust the stack.</summary>
    public const int MaxDepth = 64;

    public static YamlNode? Read(string file, string text, DiagnosticBag diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null; // an empty file
            }

            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, file, depth: 1, diagnostics);
            parser.Consume<DocumentEnd>();
            if (parser.Current is DocumentStart extra)
            {
                diagnostics.Add(PolicyErrors.MultipleDocuments, At(file, extra.Start), "a policy file holds one YAML document; split the others into files of their own");
                return null;
            }

            return root;
        }
        catch (TooDeepException deep)
        {
            diagnostics.Add(PolicyErrors.NestingTooDeep, deep.Location, $"YAML is nested more than {MaxDepth} levels deep");
            return null;
        }
        catch (AliasException alias)
        {
            diagnostics.Add(PolicyErrors.AliasNotAllowed, alias.Location, "YAML anchors and aliases are not allowed in policy; write each value out so reviewers see exactly what applies");
            return null;
        }
        catch (YamlException ex)
        {
            diagnostics.Add(PolicyErrors.YamlSyntax, At(file, ex.Start), FirstLine(ex.Message));
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet 16 throws this, not YamlException, for some truncated documents (an unclosed flow list followed by a plain line).
            var mark = parser.Current?.Start ?? Mark.Empty;
            diagnostics.Add(PolicyErrors.YamlSyntax, At(file, mark), $"the YAML is malformed here ({FirstLine(ex.Message)})");
            return null;
        }
    }

    private static YamlNode? ReadNode(IParser parser, string file, int depth, DiagnosticBag diagnostics)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of the document");
        if (depth > MaxDepth)
        {
            throw new TooDeepException(At(file, current.Start));
        }

        if (current is AnchorAlias || (current is NodeEvent node && !node.Anchor.IsEmpty))
        {
            throw new AliasException(At(file, current.Start));
        }

        switch (current)
        {
            case Scalar scalar:
                parser.MoveNext();
                return new YamlScalar(At(file, scalar.Start), scalar.Value, scalar.Style == ScalarStyle.Plain);

            case SequenceStart start:
            {
                parser.MoveNext();
                var items = new List<YamlNode>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    var item = ReadNode(parser, file, depth + 1, diagnostics);
                    if (item is not null)
                    {
                        items.Add(item);
                    }
                }

                return new YamlSequence(At(file, start.Start), items);
            }

            case MappingStart start:
            {
                parser.MoveNext();
                var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyNode = ReadNode(parser, file, depth + 1, diagnostics);
                    var value = ReadNode(parser, file, depth + 1, diagnostics);
                    if (keyNode is not YamlScalar key)
                    {
                        diagnostics.Add(PolicyErrors.WrongType, keyNode?.Location ?? At(file, start.Start), "mapping keys must be plain names, not lists or mappings");
                        continue;
                    }

                    if (!seen.Add(key.Value))
                    {
                        diagnostics.Add(PolicyErrors.DuplicateKey, key.Location, $"key '{key.Value}' appears twice in this mapping; YAML keeps only one, so say it once");
                        continue;
                    }

                    if (value is not null)
                    {
                        entries.Add(new(key, value));
                    }
                }

                return new YamlMapping(At(file, start.Start), entries);
            }

            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }
    }

    private static SourceLocation At(string file, Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    private static string FirstLine(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (...): "; the location is reported separately.
        var text = message;
        var marker = text.IndexOf("): ", StringComparison.Ordinal);
        if (text.StartsWith("(Line:", StringComparison.Ordinal) && marker > 0)
        {
            text = text[(marker + 3)..];
        }

        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline];
    }

    private sealed class TooDeepException(SourceLocation location) : Exception("too deep")
    {
        public SourceLocation Location { get; } = location;
    }

    private sealed class AliasException(SourceLocation location) : Exception("alias")
    {
        public SourceLocation Location { get; } = location;
    }
}
