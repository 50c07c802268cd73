using FluentAssertions;
using Jaula.Linux;
using Jaula.Runtime.Sync;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>A message larger than one frame (a plan carrying a 10 MB annotation) travels in bounded pieces.</summary>
public class LargeMessageTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(SyncChannel.MaxPayload)]
    [InlineData(SyncChannel.MaxPayload + 1)]
    [InlineData(2 * SyncChannel.MaxPayload + 12345)]
    public void A_message_of_any_size_arrives_whole_as_one_frame(int size)
    {
        var payload = new byte[size];
        new Random(size).NextBytes(payload);
        var (writer, reader) = Sys.SocketPair();
        using var receiving = new SyncChannel(reader);
        using var sending = new SyncChannel(writer);
        var send = new Thread(() =>
        {
            sending.Send(FrameType.Plan, payload);
            sending.Send(FrameType.Ready);
        });
        send.Start();

        var frame = receiving.Receive();
        var next = receiving.Receive();
        send.Join(TimeSpan.FromSeconds(30)).Should().BeTrue();

        frame!.Type.Should().Be(FrameType.Plan);
        frame.Payload.AsSpan().SequenceEqual(payload).Should().BeTrue();
        next!.Type.Should().Be(FrameType.Ready);
    }
}
