using System.Buffers.Binary;
using System.Text;

namespace Jaula.Sandbox.Rootfs.Plan;

/// <summary>
/// The container's rootfs as a flat list of operations, decided in C# (<see cref="RootfsPlanCompiler"/>) and run by
/// native/rootfs_plan_exec.c. <see cref="Encode"/> writes the layout native/rootfs_plan.h describes: little-endian,
/// every string length-prefixed, each operation carrying the config field it came from.
/// </summary>
public sealed class RootfsPlan(IReadOnlyList<RootfsOperation> operations)
{
    public const uint Magic = 0x3150524A; // "JRP1"
    public const int MaxBytes = 16 << 20;
    public const int MaxOperations = 65536;
    public const int MaxString = 4096; // with the NUL

    public IReadOnlyList<RootfsOperation> Operations { get; } = operations;

    public byte[] Encode()
    {
        if (Operations.Count > MaxOperations)
            throw new ContainerSetupException(null, $"the rootfs takes {Operations.Count} operations, more than the {MaxOperations} the plan holds");
        using var stream = new MemoryStream();
        Span<byte> b = stackalloc byte[72];
        BinaryPrimitives.WriteUInt32LittleEndian(b, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], 0); // the total length, patched below
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], (uint)Operations.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], 0);
        stream.Write(b[..16]);
        foreach (var op in Operations)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)op.Kind);
            BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)op.Flags);
            BinaryPrimitives.WriteUInt32LittleEndian(b[8..], (uint)op.Field);
            BinaryPrimitives.WriteUInt32LittleEndian(b[12..], op.FieldIndex);
            BinaryPrimitives.WriteUInt64LittleEndian(b[16..], (ulong)op.MountFlags);
            BinaryPrimitives.WriteUInt64LittleEndian(b[24..], (ulong)op.AttrSet);
            BinaryPrimitives.WriteUInt64LittleEndian(b[32..], (ulong)op.AttrClear);
            BinaryPrimitives.WriteUInt64LittleEndian(b[40..], op.Dev);
            BinaryPrimitives.WriteUInt32LittleEndian(b[48..], op.Mode);
            BinaryPrimitives.WriteUInt32LittleEndian(b[52..], op.Uid);
            BinaryPrimitives.WriteUInt32LittleEndian(b[56..], op.Gid);
            BinaryPrimitives.WriteInt32LittleEndian(b[60..], op.Fd);
            BinaryPrimitives.WriteUInt32LittleEndian(b[64..], op.Skip);
            BinaryPrimitives.WriteUInt32LittleEndian(b[68..], op.Kind == RootfsOpKind.Pause ? (uint)op.Pause : op.Arg);
            stream.Write(b);
            WriteString(stream, op.Path, op);
            WriteString(stream, op.Source, op);
            WriteString(stream, op.FsType, op);
            WriteString(stream, op.Data, op);
        }
        if (stream.Length > MaxBytes)
            throw new ContainerSetupException(null, $"the rootfs plan takes {stream.Length} bytes, more than the {MaxBytes} it may");
        var bytes = stream.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)bytes.Length);
        return bytes;
    }

    /// <summary>u32 length with the NUL (0 for none), the UTF-8 bytes, the NUL.</summary>
    private static void WriteString(MemoryStream stream, string? s, RootfsOperation op)
    {
        Span<byte> n = stackalloc byte[4];
        if (s is null)
        {
            stream.Write(n); // zeroed: absent
            return;
        }
        if (s.Contains('\0'))
            throw new ContainerSetupException(op.FieldName, $"{s.Replace("\0", "\\0", StringComparison.Ordinal)}: contains a NUL character");
        var bytes = Encoding.UTF8.GetBytes(s);
        if (bytes.Length + 1 > MaxString)
            throw new ContainerSetupException(op.FieldName, $"a path or option of {bytes.Length} bytes, longer than the {MaxString - 1} the kernel takes");
        BinaryPrimitives.WriteUInt32LittleEndian(n, (uint)bytes.Length + 1);
        stream.Write(n);
        stream.Write(bytes);
        stream.WriteByte(0);
    }

    /// <summary>The operations, one a line, numbered: what --debug and the tests show.</summary>
    public override string ToString()
    {
        var b = new StringBuilder();
        for (int i = 0; i < Operations.Count; i++)
            b.Append(i).Append(": ").Append(Operations[i]).Append('\n');
        return b.ToString();
    }
}
