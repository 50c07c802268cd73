using System.Text;

namespace Jaula.Linux.Tests.Linux;

public sealed class SocketsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SocketPair_carries_bytes_both_ways(bool seqPacket)
    {
        var (a, b) = Sys.SocketPair(seqPacket);
        using (a)
        using (b)
        {
            Sys.WriteAll(a, "ping"u8);
            Sys.WriteAll(b, "pong"u8);

            Receive(b, 4).Should().Be("ping");
            Receive(a, 4).Should().Be("pong");
            Sys.Fstat(a).IsSocket.Should().BeTrue();
        }
    }

    [Fact]
    public void SendWithFd_passes_an_open_file_to_the_other_end()
    {
        File.WriteAllText(_dir["secret"], "from the other side");
        var (a, b) = Sys.SocketPair();
        using (a)
        using (b)
        {
            using (var file = Sys.Open(_dir["secret"], OpenFlags.ReadOnly | OpenFlags.CloExec))
                Sys.SendWithFd(a, "F"u8, file.Value);

            var buffer = new byte[16];
            int n = Sys.ReceiveWithFd(b, buffer, out var received);

            n.Should().Be(1);
            buffer[0].Should().Be((byte)'F');
            received.Should().NotBeNull();
            using (received)
            {
                var content = new byte[64];
                int read = Sys.Read(received!, content);
                Encoding.UTF8.GetString(content, 0, read).Should().Be("from the other side");
            }
        }
    }

    [Fact]
    public void ReceiveWithFd_without_a_descriptor_gives_null()
    {
        var (a, b) = Sys.SocketPair();
        using (a)
        using (b)
        {
            Sys.WriteAll(a, "x"u8);
            Sys.ReceiveWithFd(b, new byte[4], out var received).Should().Be(1);
            received.Should().BeNull();
        }
    }

    [Fact]
    public void ConnectUnix_reaches_a_listening_socket()
    {
        string path = _dir["sock"];
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        listener.Listen(1);

        using var client = Sys.ConnectUnix(path);
        using var server = listener.Accept();
        Sys.WriteAll(client, "hi"u8);
        var buffer = new byte[2];
        server.Receive(buffer).Should().Be(2);
        Encoding.ASCII.GetString(buffer).Should().Be("hi");
    }

    [Fact]
    public void ConnectUnix_names_the_path_when_nothing_listens()
    {
        var act = () => Sys.ConnectUnix(_dir["nobody"]);

        act.Should().Throw<ErrnoException>().Which.Message.Should().StartWith($"connect {_dir["nobody"]}: ");
    }

    private static string Receive(SafeFd fd, int count)
    {
        var buffer = new byte[count];
        int total = 0;
        while (total < count)
            total += Sys.Read(fd, buffer.AsSpan(total));
        return Encoding.ASCII.GetString(buffer);
    }
}
