using System.Net.Sockets;
using System.Text;
using Jaula.Cgroups.Systemd;
using Jaula.Linux;

namespace Jaula.Cgroups.Tests.Systemd;

/// <summary>
/// The authentication's "BEGIN" must reach the peer in a read of its own, before the first message (the Hello).
/// systemd 252 leaves a Hello that came in the same read as BEGIN unanswered. The peer here is a raw socket that
/// answers OK and then waits before it reads, which gives a client that does not wait time to send the Hello too.
/// </summary>
public sealed class SystemdBusStreamTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jaula-sasl-").FullName;

    [Fact]
    public void Begin_is_read_alone_and_the_hello_comes_after_it()
    {
        string path = Path.Combine(_dir, "private");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        string? auth = null, afterOk = null, next = null;
        var peer = new Thread(() =>
        {
            using var connection = listener.Accept();
            connection.ReceiveTimeout = 5000;
            auth = ReadLine(connection);
            connection.Send("OK 0123456789abcdef0123456789abcdef\r\n"u8);
            Thread.Sleep(300); // a client that does not wait sends its Hello meanwhile
            afterOk = Receive(connection);
            next = Receive(connection);
        }); // closing the connection ends the client's connect with an error, which this test does not look at

        peer.Start();
        FluentActions.Invoking(() => SystemdBus.Connect(path, Sys.GetUid(), TimeSpan.FromSeconds(5)).Dispose())
            .Should().Throw<SystemdBusException>();
        peer.Join(TimeSpan.FromSeconds(10)).Should().BeTrue("the fake peer finishes");
        auth.Should().StartWith("\0AUTH EXTERNAL ");

        afterOk.Should().Be("BEGIN\r\n", "the Hello must not come in the same read as BEGIN");
        next.Should().StartWith("l", "the Hello (a little-endian D-Bus message) follows in a read of its own");
    }

    private static string ReadLine(Socket connection)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal) && connection.Receive(one) == 1)
            line.Append((char)one[0]);
        return line.ToString();
    }

    private static string Receive(Socket connection)
    {
        var buffer = new byte[4096];
        int n = connection.Receive(buffer);
        return Encoding.Latin1.GetString(buffer, 0, n);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
