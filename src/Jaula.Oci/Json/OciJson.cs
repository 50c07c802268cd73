using System.Text.Json;

namespace Jaula.Oci;

/// <summary>The serializer contexts to write OCI documents with: compact for files, indented for people.</summary>
public static class OciJson
{
    /// <summary>One line, nulls left out: state files, hook stdin.</summary>
    public static OciJsonContext Compact => OciJsonContext.Default;

    /// <summary>Two-space indentation, as runc prints `state`.</summary>
    public static OciJsonContext Indented { get; } = WithIndentation(' ', 2);

    /// <summary>Tab indentation, as runc writes the config.json of `spec`.</summary>
    public static OciJsonContext TabIndented { get; } = WithIndentation('\t', 1);

    private static OciJsonContext WithIndentation(char character, int size) =>
        new(new JsonSerializerOptions(OciJsonContext.Default.Options)
        {
            WriteIndented = true,
            IndentCharacter = character,
            IndentSize = size,
        });
}
