using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Jaula.Oci;

/// <summary>
/// Follows a field path ("mounts[2].options[0]", "linux.sysctl['a.b']") through a document and, in step, through
/// the generated type metadata, to learn both the value found there and the type the model expects there.
/// </summary>
internal static class JsonPathWalker
{
    public static bool TryFind(JsonElement root, JsonTypeInfo rootType, string field,
        out JsonElement found, out JsonTypeInfo expected)
    {
        found = root;
        expected = rootType;
        var rest = field.AsSpan();
        while (!rest.IsEmpty)
        {
            if (!TryStep(ref rest, ref found, ref expected))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryStep(ref ReadOnlySpan<char> rest, ref JsonElement found, ref JsonTypeInfo expected)
    {
        if (rest.StartsWith("['"))
        {
            var end = rest.IndexOf("']");
            if (end < 0)
            {
                return false;
            }
            var name = rest[2..end].ToString();
            rest = rest[(end + 2)..];
            return TryProperty(name, ref found, ref expected);
        }
        if (rest[0] == '[')
        {
            var end = rest.IndexOf(']');
            if (end < 0 || !int.TryParse(rest[1..end], out var index))
            {
                return false;
            }
            rest = rest[(end + 1)..];
            return TryIndex(index, ref found, ref expected);
        }
        if (rest[0] == '.')
        {
            rest = rest[1..];
        }
        var length = rest.IndexOfAny('.', '[');
        var plain = (length < 0 ? rest : rest[..length]).ToString();
        rest = length < 0 ? [] : rest[length..];
        return TryProperty(plain, ref found, ref expected);
    }

    private static bool TryProperty(string name, ref JsonElement found, ref JsonTypeInfo expected)
    {
        if (found.ValueKind != JsonValueKind.Object || !found.TryGetProperty(name, out var value))
        {
            return false;
        }
        var type = expected.Kind switch
        {
            JsonTypeInfoKind.Dictionary => expected.ElementType,
            JsonTypeInfoKind.Object => expected.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType,
            _ => null,
        };
        return TryMove(value, type, ref found, ref expected);
    }

    private static bool TryIndex(int index, ref JsonElement found, ref JsonTypeInfo expected)
    {
        if (found.ValueKind != JsonValueKind.Array || index >= found.GetArrayLength()
            || expected.Kind != JsonTypeInfoKind.Enumerable)
        {
            return false;
        }
        return TryMove(found[index], expected.ElementType, ref found, ref expected);
    }

    private static bool TryMove(JsonElement value, Type? type, ref JsonElement found, ref JsonTypeInfo expected)
    {
        if (type is null || expected.OriginatingResolver?.GetTypeInfo(type, expected.Options) is not { } next)
        {
            return false;
        }
        found = value;
        expected = next;
        return true;
    }
}
