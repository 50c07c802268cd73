using System.Text.Json;

namespace Jaula.Oci;

/// <summary>
/// One JSON value of a given type from a reader at its first token, for the readers that build documents without the
/// serializer's metadata (SpecReader, RecordReader): true with the value when the token is exactly that type (and in
/// range), false otherwise, so the caller can leave the whole document to the serializer. "OrNull" also takes null.
/// </summary>
public static class JsonValueReader
{
    /// <summary>Skips the value after a property name (reads to it, then past it).</summary>
    public static bool SkipValue(ref Utf8JsonReader r) => r.Read() && r.TrySkip();

    public static bool ReadString(ref Utf8JsonReader r, out string? value)
    {
        value = r.TokenType == JsonTokenType.String ? r.GetString() : null;
        return value is not null;
    }

    public static bool ReadStringOrNull(ref Utf8JsonReader r, out string? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadString(ref r, out value);
    }

    public static bool ReadBool(ref Utf8JsonReader r, out bool? value)
    {
        value = r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => null,
        };
        return value is not null;
    }

    public static bool ReadBoolOrNull(ref Utf8JsonReader r, out bool? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadBool(ref r, out value);
    }

    public static bool ReadInt64(ref Utf8JsonReader r, out long? value)
    {
        value = r.TokenType == JsonTokenType.Number && r.TryGetInt64(out long v) ? v : null;
        return value is not null;
    }

    public static bool ReadInt64OrNull(ref Utf8JsonReader r, out long? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadInt64(ref r, out value);
    }

    public static bool ReadUInt64(ref Utf8JsonReader r, out ulong? value)
    {
        value = r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out ulong v) ? v : null;
        return value is not null;
    }

    public static bool ReadUInt64OrNull(ref Utf8JsonReader r, out ulong? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadUInt64(ref r, out value);
    }

    public static bool ReadInt32(ref Utf8JsonReader r, out int? value)
    {
        value = r.TokenType == JsonTokenType.Number && r.TryGetInt32(out int v) ? v : null;
        return value is not null;
    }

    public static bool ReadInt32OrNull(ref Utf8JsonReader r, out int? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadInt32(ref r, out value);
    }

    public static bool ReadUInt32(ref Utf8JsonReader r, out uint? value)
    {
        value = r.TokenType == JsonTokenType.Number && r.TryGetUInt32(out uint v) ? v : null;
        return value is not null;
    }

    public static bool ReadUInt32OrNull(ref Utf8JsonReader r, out uint? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadUInt32(ref r, out value);
    }

    public static bool ReadUInt16(ref Utf8JsonReader r, out ushort? value)
    {
        value = r.TokenType == JsonTokenType.Number && r.TryGetUInt16(out ushort v) ? v : null;
        return value is not null;
    }

    public static bool ReadUInt16OrNull(ref Utf8JsonReader r, out ushort? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadUInt16(ref r, out value);
    }

    public static bool ReadElementOrNull(ref Utf8JsonReader r, out JsonElement? value)
    {
        value = r.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref r);
        return true;
    }
}
