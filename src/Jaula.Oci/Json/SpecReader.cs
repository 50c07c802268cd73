using System.Text.Json;

namespace Jaula.Oci;

/// <summary>
/// Reads config.json into a <see cref="Spec"/> without System.Text.Json's metadata. Building that metadata for the
/// Spec graph (a JsonTypeInfo per type, each with a reflection lookup of its attributes) was the largest part of
/// create's own work: 2.3 ms of a 7.4 ms create here, 142 of 300 ms in the TCG guest. This reader is generated from
/// the model (SpecReader.g.cs, scripts/gen-spec-reader.py) and takes only what it is sure of: JSON whose every value
/// has the model's type, no nulls where the model has none, every required property, no duplicate property or key.
/// For anything else it returns null and the caller deserializes with <see cref="OciJsonContext"/>, which accepts or
/// refuses the document and words the error exactly as before. SpecReaderTests holds the two against each other.
/// </summary>
public static partial class SpecReader
{
    private static readonly JsonReaderOptions Options = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 64, // System.Text.Json's default, which OciJsonContext keeps
    };

    /// <summary>The spec, or null when the document is not one this reader is sure of.</summary>
    public static Spec? TryRead(ReadOnlySpan<byte> utf8)
    {
        var r = new Utf8JsonReader(utf8, Options);
        try
        {
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject || !ReadSpec(ref r, out var spec) || r.Read())
                return null;
            return spec;
        }
        catch (JsonException)
        {
            return null; // not JSON: the serializer says where
        }
    }

    /// <summary>Public for the other documents read the same way (RecordReader).</summary>
    public static bool TryReadHooks(ref Utf8JsonReader r, out HooksSpec? hooks) => Read_HooksSpecOrNull(ref r, out hooks);

    /// <inheritdoc cref="TryReadHooks"/>
    public static bool TryReadDeviceRules(ref Utf8JsonReader r, out List<DeviceCgroupRule>? rules) =>
        Read_List_DeviceCgroupRule_OrNull(ref r, out rules);
}
