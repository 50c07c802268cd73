using System.Buffers.Binary;
using FluentAssertions;
using Jaula.Runtime.Init;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>The C init's TIMING frame (native/c_init.c) as `--debug` words it.</summary>
public sealed class CInitTimingTests
{
    private static byte[] Payload(params ulong[] nanoseconds)
    {
        var bytes = new byte[nanoseconds.Length * 8];
        for (int i = 0; i < nanoseconds.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), nanoseconds[i]);
        return bytes;
    }

    [Fact]
    public void Each_group_is_named_with_its_milliseconds_and_the_total()
    {
        string line = CInitTiming.Describe(Payload(40_000, 610_000, 120_000, 90_000, 200_000, 300_000, 0, 1_250_000));

        line.Should().Be("the C init: decoding the program 0.04 ms, mounts 0.61 ms, devices 0.12 ms, pivot_root 0.09 ms, " +
            "masked and read-only paths 0.20 ms, process settings 0.30 ms, hooks 0.00 ms, args[0] and HOME 1.25 ms; total 2.61 ms");
    }

    [Fact]
    public void A_report_of_another_size_is_said_to_be_so()
    {
        CInitTiming.Decode(Payload(1, 2, 3)).Should().BeNull();
        CInitTiming.Describe(new byte[7]).Should().Be("the C init sent a timing report of 7 bytes, not 64");
    }
}
