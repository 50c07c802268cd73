using System.Buffers.Binary;
using System.Text;

namespace Jaula.Cgroups.DBus;

/// <summary>
/// D-Bus wire unmarshalling over one buffer, either byte order. Every read is bounds-checked: a length, padding or
/// nesting that does not fit the buffer is a <see cref="DBusProtocolException"/>, never an out-of-range read.
/// Values come back as: byte, bool, short/ushort, int/uint, long/ulong, double, string (s o g),
/// <see cref="DBusVariantValue"/> (v), object[] (struct, dict entry) and List&lt;object&gt; (array).
/// </summary>
public sealed class DBusReader(ReadOnlyMemory<byte> buffer, bool littleEndian, int position = 0)
{
    private const int MaxArrayBytes = 64 * 1024 * 1024; // the specification's limit
    private const int MaxDepth = 64;

    public int Position { get; private set; } = position;

    public bool AtEnd => Position == buffer.Length;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || Position > buffer.Length - count)
            throw new DBusProtocolException($"message truncated: {count} bytes wanted at offset {Position} of {buffer.Length}");
        var span = buffer.Span.Slice(Position, count);
        Position += count;
        return span;
    }

    public void Align(int alignment)
    {
        int padded = (Position + alignment - 1) / alignment * alignment;
        foreach (byte b in Take(padded - Position))
        {
            if (b != 0)
                throw new DBusProtocolException($"non-zero padding byte before offset {padded}");
        }
    }

    public byte ReadByte() => Take(1)[0];

    public uint ReadUInt32()
    {
        Align(4);
        var s = Take(4);
        return littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
    }

    public ulong ReadUInt64()
    {
        Align(8);
        var s = Take(8);
        return littleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(s) : BinaryPrimitives.ReadUInt64BigEndian(s);
    }

    private ushort ReadUInt16()
    {
        Align(2);
        var s = Take(2);
        return littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);
    }

    public bool ReadBool() => ReadUInt32() switch
    {
        0 => false,
        1 => true,
        var v => throw new DBusProtocolException($"boolean value {v} is neither 0 nor 1"),
    };

    public string ReadString()
    {
        uint length = ReadUInt32();
        if (length > int.MaxValue - 1)
            throw new DBusProtocolException($"string length {length} is too large");
        string value = Encoding.UTF8.GetString(Take((int)length));
        if (ReadByte() != 0)
            throw new DBusProtocolException("string is not NUL-terminated");
        return value;
    }

    public string ReadSignature()
    {
        int length = ReadByte();
        string value = Encoding.ASCII.GetString(Take(length));
        if (ReadByte() != 0)
            throw new DBusProtocolException("signature is not NUL-terminated");
        return value;
    }

    /// <summary>Reads every value of a signature that is a sequence of complete types (a body, for instance).</summary>
    public object[] ReadValues(string signature)
    {
        var values = new List<object>();
        int i = 0;
        while (i < signature.Length)
        {
            int end = DBusSignature.EndOfCompleteType(signature, i);
            values.Add(ReadValue(signature[i..end], 0));
            i = end;
        }
        return [.. values];
    }

    /// <summary>Reads one value of a single complete type.</summary>
    public object ReadValue(string type) => ReadValue(type, 0);

    private object ReadValue(string type, int depth)
    {
        if (depth > MaxDepth)
            throw new DBusProtocolException("values nest too deep");
        switch (type[0])
        {
            case 'y': return ReadByte();
            case 'b': return ReadBool();
            case 'n': return (short)ReadUInt16();
            case 'q': return ReadUInt16();
            case 'i': return (int)ReadUInt32();
            case 'u': return ReadUInt32();
            case 'h': return ReadUInt32();
            case 'x': return (long)ReadUInt64();
            case 't': return ReadUInt64();
            case 'd': return BitConverter.UInt64BitsToDouble(ReadUInt64());
            case 's': return ReadString();
            case 'o':
            {
                string path = ReadString();
                return DBusSignature.IsObjectPath(path) ? path : throw new DBusProtocolException($"invalid object path \"{path}\"");
            }
            case 'g': return ReadSignature();
            case 'v':
            {
                string inner = ReadSignature();
                if (inner.Length == 0 || DBusSignature.EndOfCompleteType(inner, 0) != inner.Length)
                    throw new DBusProtocolException($"variant signature \"{inner}\" is not one complete type");
                return new DBusVariantValue(inner, ReadValue(inner, depth + 1));
            }
            case 'a': return ReadArray(type[1..], depth);
            case '(':
            case '{':
            {
                Align(8);
                var fields = new List<object>();
                int i = 1;
                while (i < type.Length - 1)
                {
                    int end = DBusSignature.EndOfCompleteType(type, i);
                    fields.Add(ReadValue(type[i..end], depth + 1));
                    i = end;
                }
                return fields.ToArray();
            }
            default:
                throw new DBusProtocolException($"unknown type code '{type[0]}'");
        }
    }

    private List<object> ReadArray(string element, int depth)
    {
        uint length = ReadUInt32();
        if (length > MaxArrayBytes)
            throw new DBusProtocolException($"array length {length} is over the 64 MiB limit");
        Align(DBusSignature.AlignmentOf(element[0]));
        int end = Position + (int)length;
        if (end > buffer.Length)
            throw new DBusProtocolException($"array of {length} bytes at offset {Position} runs past the message end");
        var items = new List<object>();
        while (Position < end)
            items.Add(ReadValue(element, depth + 1));
        if (Position != end)
            throw new DBusProtocolException("array elements overrun the array's length");
        return items;
    }
}

/// <summary>A received variant: its signature and the value read for it.</summary>
public sealed record DBusVariantValue(string Signature, object Value);
