using System.Buffers.Binary;
using System.Text;

namespace Jaula.Cgroups.DBus;

/// <summary>
/// D-Bus wire marshalling, little endian. Every value starts at its type's alignment (1 for y and g, 4 for b u i s o
/// and array lengths, 8 for t and structs) counted from the start of the buffer; a body is written into its own writer
/// because the header before it always ends on an 8-byte boundary.
/// </summary>
public sealed class DBusWriter
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public byte[] ToArray() => [.. _bytes];

    public void Align(int alignment)
    {
        while (_bytes.Count % alignment != 0)
            _bytes.Add(0);
    }

    public void WriteByte(byte value) => _bytes.Add(value);

    public void WriteBool(bool value) => WriteUInt32(value ? 1u : 0u);

    public void WriteUInt32(uint value)
    {
        Align(4);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _bytes.AddRange(b);
    }

    public void WriteInt32(int value) => WriteUInt32(unchecked((uint)value));

    public void WriteUInt64(ulong value)
    {
        Align(8);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        _bytes.AddRange(b);
    }

    /// <summary>s: uint32 byte length, UTF-8 bytes, a NUL.</summary>
    public void WriteString(string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        if (Array.IndexOf(utf8, (byte)0) >= 0)
            throw new ArgumentException($"a D-Bus string may not contain NUL: \"{value}\"");
        WriteUInt32((uint)utf8.Length);
        _bytes.AddRange(utf8);
        _bytes.Add(0);
    }

    public void WriteObjectPath(string path)
    {
        if (!DBusSignature.IsObjectPath(path))
            throw new ArgumentException($"not a D-Bus object path: \"{path}\"");
        WriteString(path);
    }

    /// <summary>g: one length byte, the ASCII signature, a NUL.</summary>
    public void WriteSignature(string signature)
    {
        if (signature.Length > 255)
            throw new ArgumentException("a D-Bus signature is at most 255 bytes");
        _bytes.Add((byte)signature.Length);
        _bytes.AddRange(Encoding.ASCII.GetBytes(signature));
        _bytes.Add(0);
    }

    /// <summary>
    /// An array: its byte length (uint32), padding to the element alignment (not counted), then the elements.
    /// </summary>
    public void WriteArray(int elementAlignment, Action elements)
    {
        WriteUInt32(0);
        int lengthAt = _bytes.Count - 4;
        Align(elementAlignment);
        int start = _bytes.Count;
        elements();
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)(_bytes.Count - start));
        for (int i = 0; i < 4; i++)
            _bytes[lengthAt + i] = b[i];
    }

    /// <summary>A struct only aligns to 8; its fields follow with their own alignment.</summary>
    public void BeginStruct() => Align(8);

    /// <summary>v: the value's signature, then the value.</summary>
    public void WriteVariant(DBusVariant variant)
    {
        WriteSignature(variant.Signature);
        variant.Write(this);
    }
}
