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

    /// <summary>An array of strings (no null in it).</summary>
    public static bool ReadStringList(ref Utf8JsonReader r, out List<string>? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.StartArray)
            return false;
        var items = new List<string>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (!ReadString(ref r, out var item))
                return false;
            items.Add(item!);
        }
        value = items;
        return r.TokenType == JsonTokenType.EndArray;
    }

    public static bool ReadStringListOrNull(ref Utf8JsonReader r, out List<string>? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadStringList(ref r, out value);
    }

    /// <summary>An object of string values (no null, no key twice).</summary>
    public static bool ReadStringMap(ref Utf8JsonReader r, out Dictionary<string, string>? value)
    {
        value = null;
        if (r.TokenType != JsonTokenType.StartObject)
            return false;
        var items = new Dictionary<string, string>();
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string key = r.GetString()!;
            if (!r.Read() || !ReadString(ref r, out var item) || !items.TryAdd(key, item!))
                return false;
        }
        value = items;
        return r.TokenType == JsonTokenType.EndObject;
    }

    public static bool ReadStringMapOrNull(ref Utf8JsonReader r, out Dictionary<string, string>? value)
    {
        value = null;
        return r.TokenType == JsonTokenType.Null || ReadStringMap(ref r, out value);
    }

    /// <summary>
    /// An object's properties, each once, handed to <paramref name="property"/> at its value (which reads or skips
    /// it); false when a property comes twice or <paramref name="property"/> refuses one. The reader is at StartObject.
    /// </summary>
    public static bool ReadProperties(ref Utf8JsonReader r, PropertyReader property)
    {
        if (r.TokenType != JsonTokenType.StartObject)
            return false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string name = r.GetString()!;
            if (!seen.Add(name) || !r.Read() || !property(name, ref r))
                return false;
        }
        return r.TokenType == JsonTokenType.EndObject;
    }

    /// <summary>Reads (or skips) the value of the property <paramref name="name"/>; false to refuse the document.</summary>
    public delegate bool PropertyReader(string name, ref Utf8JsonReader r);
}
