using System.Buffers.Binary;
using System.Globalization;

namespace Jaula.Runtime.Init;

/// <summary>
/// The C init's own clock, for `--debug`: with JAULA_INIT_TIMING in its program it sends, just before READY, how long
/// each group of its operations took (native/c_init.c, enum jaula_init_timing_group), in nanoseconds. The parent
/// logs them with its own phases; what the wait for READY took beyond their sum is the exec of the binary, its start
/// and the messages between the two processes.
/// </summary>
public static class CInitTiming
{
    /// <summary>The groups in the order of their slots in the TIMING frame (u64 little-endian nanoseconds each).</summary>
    public static readonly IReadOnlyList<string> Groups =
    [
        "decoding the program",
        "mounts",
        "devices",
        "pivot_root",
        "masked and read-only paths",
        "process settings",
        "hooks",
        "args[0] and HOME",
    ];

    /// <summary>Each group's milliseconds, or null when the payload is not one slot per group.</summary>
    public static double[]? Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != Groups.Count * sizeof(ulong))
            return null;
        var ms = new double[Groups.Count];
        for (int i = 0; i < ms.Length; i++)
            ms[i] = BinaryPrimitives.ReadUInt64LittleEndian(payload[(i * sizeof(ulong))..]) / 1_000_000.0;
        return ms;
    }

    /// <summary>One line: "the C init: decoding the program 0.04 ms, mounts 0.61 ms, ..., total 1.02 ms".</summary>
    public static string Describe(ReadOnlySpan<byte> payload)
    {
        if (Decode(payload) is not { } ms)
            return $"the C init sent a timing report of {payload.Length} bytes, not {Groups.Count * sizeof(ulong)}";
        var parts = Groups.Select((name, i) => string.Create(CultureInfo.InvariantCulture, $"{name} {ms[i]:0.00} ms"));
        return string.Create(CultureInfo.InvariantCulture, $"the C init: {string.Join(", ", parts)}; total {ms.Sum():0.00} ms");
    }
}
