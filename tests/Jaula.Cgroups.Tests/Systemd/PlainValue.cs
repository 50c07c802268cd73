using Tmds.DBus.Protocol;

namespace Jaula.Cgroups.Tests.Systemd;

/// <summary>A D-Bus variant's value as a plain .NET value (arrays as lists), for assertions.</summary>
public static class PlainValue
{
    public static object Of(VariantValue v) => v.Type switch
    {
        VariantValueType.String => v.GetString(),
        VariantValueType.ObjectPath => v.GetObjectPathAsString(),
        VariantValueType.Bool => v.GetBool(),
        VariantValueType.Byte => v.GetByte(),
        VariantValueType.UInt32 => v.GetUInt32(),
        VariantValueType.UInt64 => v.GetUInt64(),
        VariantValueType.Array => Enumerable.Range(0, v.Count).Select(i => Of(v.GetItem(i))).ToList(),
        _ => throw new NotSupportedException($"variant of type {v.Type}"),
    };
}
