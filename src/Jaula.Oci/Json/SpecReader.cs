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

    private static bool SkipValue(ref Utf8JsonReader r) => r.Read() && r.TrySkip();

    private static bool ReadString(ref Utf8JsonReader r, out string? value)
    {
        value = r.TokenType == JsonTokenType.String ? r.GetString() : null;
        return value is not null;
    }

    private static bool ReadStringOrNull(ref Utf8JsonReader r, out string? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadString(ref r, out value);
    }

    private static bool ReadBool(ref Utf8JsonReader r, out bool? value)
    {
        value = r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => null,
        };
        return value is not null;
    }

    private static bool ReadBoolOrNull(ref Utf8JsonReader r, out bool? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadBool(ref r, out value);
    }

    private static bool ReadInt64(ref Utf8JsonReader r, out long? value)
    {
        value = r.TokenType == JsonTokenType.Number && r.TryGetInt64(out long v) ? v : null;
        return value is not null;
    }

    private static bool ReadInt64OrNull(ref Utf8JsonReader r, out long? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadInt64(ref r, out value);
    }

    private static bool ReadUInt64(ref Utf8JsonReader r, out ulong? value)
    {
        value = r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out ulong v) ? v : null;
        return value is not null;
    }

    private static bool ReadUInt64OrNull(ref Utf8JsonReader r, out ulong? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadUInt64(ref r, out value);
    }

    private static bool ReadInt32(ref Utf8JsonReader r, out int? value)
    {
        value = r.TokenType == JsonTokenType.Number && r.TryGetInt32(out int v) ? v : null;
        return value is not null;
    }

    private static bool ReadInt32OrNull(ref Utf8JsonReader r, out int? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadInt32(ref r, out value);
    }

    private static bool ReadUInt32(ref Utf8JsonReader r, out uint? value)
    {
        value = r.TokenType == JsonTokenType.Number && r.TryGetUInt32(out uint v) ? v : null;
        return value is not null;
    }

    private static bool ReadUInt32OrNull(ref Utf8JsonReader r, out uint? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadUInt32(ref r, out value);
    }

    private static bool ReadUInt16(ref Utf8JsonReader r, out ushort? value)
    {
        value = r.TokenType == JsonTokenType.Number && r.TryGetUInt16(out ushort v) ? v : null;
        return value is not null;
    }

    private static bool ReadUInt16OrNull(ref Utf8JsonReader r, out ushort? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadUInt16(ref r, out value);
    }

    private static bool ReadElementOrNull(ref Utf8JsonReader r, out JsonElement? value)
    {
        value = r.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref r);
        return true;
    }
}
