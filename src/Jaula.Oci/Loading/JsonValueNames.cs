using System.Text.Json;

namespace Jaula.Oci;

/// <summary>Says in words what JSON value a document holds, quoting short scalars.</summary>
internal static class JsonValueNames
{
    private const int MaxQuotedLength = 40;

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "the string " + Shorten(value.GetRawText()),
        JsonValueKind.Number => "the number " + Shorten(value.GetRawText()),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Shorten(string raw) =>
        raw.Length <= MaxQuotedLength ? raw : raw[..(MaxQuotedLength - 3)] + "...";
}
