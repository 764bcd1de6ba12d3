using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Airlock.Cli;

/// <summary>JSON as the CLI prints it: readable characters (no \u0022 for quotes), indented or one line.</summary>
internal static class CliJson
{
    private static readonly JsonSerializerOptions IndentedOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Indented(JsonNode node) => node.ToJsonString(IndentedOptions);

    public static string Line(JsonNode node) => node.ToJsonString(LineOptions);
}
