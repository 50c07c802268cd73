namespace Jaula.Cgroups.DBus;

/// <summary>A value to send inside a variant: its single complete type signature and how to write it.</summary>
public sealed class DBusVariant(string signature, Action<DBusWriter> write)
{
    public string Signature { get; } = signature;

    public void Write(DBusWriter writer) => write(writer);

    public static DBusVariant String(string value) => new("s", w => w.WriteString(value));
    public static DBusVariant ObjectPath(string value) => new("o", w => w.WriteObjectPath(value));
    public static DBusVariant Bool(bool value) => new("b", w => w.WriteBool(value));
    public static DBusVariant UInt32(uint value) => new("u", w => w.WriteUInt32(value));
    public static DBusVariant UInt64(ulong value) => new("t", w => w.WriteUInt64(value));
    public static DBusVariant SignatureValue(string value) => new("g", w => w.WriteSignature(value));

    public static DBusVariant StringArray(IReadOnlyList<string> values) => new("as", w => w.WriteArray(4, () =>
    {
        foreach (string v in values)
            w.WriteString(v);
    }));

    public static DBusVariant UInt32Array(IReadOnlyList<uint> values) => new("au", w => w.WriteArray(4, () =>
    {
        foreach (uint v in values)
            w.WriteUInt32(v);
    }));

    public static DBusVariant ByteArray(IReadOnlyList<byte> values) => new("ay", w => w.WriteArray(1, () =>
    {
        foreach (byte b in values)
            w.WriteByte(b);
    }));

    public override string ToString() => $"variant {Signature}";
}
