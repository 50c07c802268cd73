namespace Jaula.Cgroups.DBus;

public enum DBusMessageType : byte
{
    MethodCall = 1,
    MethodReturn = 2,
    Error = 3,
    Signal = 4,
}

/// <summary>
/// One D-Bus message: the fixed header (endianness, type, flags, version 1, body length, serial), the header fields
/// as a(yv), padding to 8, then the body whose types the SIGNATURE field names.
/// </summary>
public sealed class DBusMessage
{
    public const byte NoReplyExpected = 0x1;
    private const int FixedHeader = 16;
    private const int MaxMessage = 128 * 1024 * 1024; // the specification's limit

    public required DBusMessageType Type { get; init; }
    public byte Flags { get; init; }
    public uint Serial { get; init; }
    public string? Path { get; init; }
    public string? Interface { get; init; }
    public string? Member { get; init; }
    public string? ErrorName { get; init; }
    public uint? ReplySerial { get; init; }
    public string? Destination { get; init; }
    public string? Sender { get; init; }
    public string Signature { get; init; } = "";
    public byte[] Body { get; init; } = [];
    public bool LittleEndian { get; init; } = true;

    /// <summary>The body's values (see <see cref="DBusReader"/> for their types).</summary>
    public object[] ReadBody()
    {
        var reader = new DBusReader(Body, LittleEndian);
        var values = reader.ReadValues(Signature);
        if (!reader.AtEnd)
            throw new DBusProtocolException($"{Body.Length - reader.Position} bytes after the body of signature \"{Signature}\"");
        return values;
    }

    public byte[] Encode()
    {
        var w = new DBusWriter();
        w.WriteByte((byte)'l');
        w.WriteByte((byte)Type);
        w.WriteByte(Flags);
        w.WriteByte(1);
        w.WriteUInt32((uint)Body.Length);
        w.WriteUInt32(Serial);
        w.WriteArray(8, () =>
        {
            Field(w, 1, Path is null ? null : DBusVariant.ObjectPath(Path));
            Field(w, 2, Interface is null ? null : DBusVariant.String(Interface));
            Field(w, 3, Member is null ? null : DBusVariant.String(Member));
            Field(w, 4, ErrorName is null ? null : DBusVariant.String(ErrorName));
            Field(w, 5, ReplySerial is null ? null : DBusVariant.UInt32(ReplySerial.Value));
            Field(w, 6, Destination is null ? null : DBusVariant.String(Destination));
            Field(w, 7, Sender is null ? null : DBusVariant.String(Sender));
            Field(w, 8, Signature.Length == 0 ? null : DBusVariant.SignatureValue(Signature));
        });
        w.Align(8);
        return [.. w.ToArray(), .. Body];
    }

    private static void Field(DBusWriter w, byte code, DBusVariant? value)
    {
        if (value is null)
            return;
        w.BeginStruct();
        w.WriteByte(code);
        w.WriteVariant(value);
    }

    /// <summary>How many bytes the whole message has, from its first 16 bytes.</summary>
    public static int TotalLength(ReadOnlySpan<byte> fixedHeader)
    {
        if (fixedHeader.Length < FixedHeader)
            throw new DBusProtocolException("a message header is 16 bytes");
        bool little = Endianness(fixedHeader[0]);
        var r = new DBusReader(fixedHeader[..FixedHeader].ToArray(), little, 4);
        ulong body = r.ReadUInt32();
        r.ReadUInt32();
        ulong fields = r.ReadUInt32();
        ulong header = (FixedHeader + fields + 7) / 8 * 8;
        if (header + body > MaxMessage)
            throw new DBusProtocolException($"message of {header + body} bytes is over the 128 MiB limit");
        return (int)(header + body);
    }

    public static DBusMessage Decode(byte[] bytes)
    {
        int total = TotalLength(bytes);
        if (bytes.Length != total)
            throw new DBusProtocolException($"message is {bytes.Length} bytes, its header says {total}");
        bool little = Endianness(bytes[0]);
        var type = bytes[1];
        if (type is < 1 or > 4)
            throw new DBusProtocolException($"unknown message type {type}");
        if (bytes[3] != 1)
            throw new DBusProtocolException($"unknown protocol version {bytes[3]}");
        var r = new DBusReader(bytes, little, 4);
        uint bodyLength = r.ReadUInt32();
        uint serial = r.ReadUInt32();
        if (serial == 0)
            throw new DBusProtocolException("message serial 0");
        var fields = new Dictionary<byte, object>();
        foreach (object[] field in ((List<object>)r.ReadValue("a(yv)")).Cast<object[]>())
            fields[(byte)field[0]] = ((DBusVariantValue)field[1]).Value;
        r.Align(8);
        if (bytes.Length - r.Position != bodyLength)
            throw new DBusProtocolException("body length does not match the header");
        return new DBusMessage
        {
            Type = (DBusMessageType)type,
            Flags = bytes[2],
            Serial = serial,
            Path = fields.GetValueOrDefault((byte)1) as string,
            Interface = fields.GetValueOrDefault((byte)2) as string,
            Member = fields.GetValueOrDefault((byte)3) as string,
            ErrorName = fields.GetValueOrDefault((byte)4) as string,
            ReplySerial = fields.GetValueOrDefault((byte)5) as uint?,
            Destination = fields.GetValueOrDefault((byte)6) as string,
            Sender = fields.GetValueOrDefault((byte)7) as string,
            Signature = fields.GetValueOrDefault((byte)8) as string ?? "",
            Body = bytes[r.Position..],
            LittleEndian = little,
        };
    }

    private static bool Endianness(byte marker) => marker switch
    {
        (byte)'l' => true,
        (byte)'B' => false,
        _ => throw new DBusProtocolException($"unknown endianness marker 0x{marker:x2}"),
    };
}
