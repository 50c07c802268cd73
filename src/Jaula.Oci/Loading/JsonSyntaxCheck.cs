using System.Text.Json;

namespace Jaula.Oci;

/// <summary>
/// Reads a document once with the same strictness as <see cref="OciJsonContext"/>, so that a syntax error is
/// reported by line and column before the serializer can report it as a type error of some field.
/// </summary>
internal static class JsonSyntaxCheck
{
    private static readonly JsonReaderOptions Strict = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    public static void ThrowIfInvalid(ReadOnlySpan<byte> utf8, string sourceName)
    {
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new SpecException(sourceName, "", "is empty: expected a JSON object");
        }
        var reader = new Utf8JsonReader(utf8, Strict);
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            throw new SpecException(sourceName, "",
                $"invalid JSON at line {line}, column {column}: {JsonShapeError.WithoutPosition(e.Message)}", e);
        }
    }
}
