using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Jaula.Oci;

/// <summary>Says in words what JSON a model type accepts, with the ranges the spec's integer types allow.</summary>
internal static class JsonTypeNames
{
    public static string Describe(JsonTypeInfo typeInfo) => typeInfo.Kind switch
    {
        JsonTypeInfoKind.Enumerable => "an array",
        JsonTypeInfoKind.Dictionary => "an object",
        JsonTypeInfoKind.Object => "an object",
        _ => DescribeValue(typeInfo.Type),
    };

    private static string DescribeValue(Type type)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain switch
        {
            _ when plain == typeof(string) => "a string",
            _ when plain == typeof(bool) => "true or false",
            _ when plain == typeof(ushort) => "an integer from 0 to 65535",
            _ when plain == typeof(int) => "an integer from -2147483648 to 2147483647",
            _ when plain == typeof(uint) => "an integer from 0 to 4294967295",
            _ when plain == typeof(long) => "an integer from -9223372036854775808 to 9223372036854775807",
            _ when plain == typeof(ulong) => "an integer from 0 to 18446744073709551615",
            _ when plain == typeof(JsonElement) => "any JSON value",
            _ => "a " + plain.Name,
        };
    }
}
