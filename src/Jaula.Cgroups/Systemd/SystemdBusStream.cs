using System.Net.Sockets;

namespace Jaula.Cgroups.Systemd;

/// <summary>
/// The unix socket a <see cref="SystemdBus"/> connection runs over. After the authentication's "BEGIN" line it does not
/// let the next write go until the peer has read that line.
/// <para>
/// Why: when systemd 252 (Debian 12) gets "BEGIN" and the first message (the library's Hello) in the same read, it
/// finishes authenticating but leaves the Hello in its buffer. It does not look at that buffer again until something
/// else happens on the socket, so the Hello goes unanswered and the connect times out. In the TCG guest with a fast
/// client, 8 of 75 creates stalled like this; with systemd slowed down by strace, 21 of 25 did. runc's
/// client does not send Hello to the private socket. Tmds.DBus.Protocol always sends it, so jaula keeps the Hello and
/// makes it arrive after systemd has read "BEGIN" on its own.
/// </para>
/// </summary>
internal sealed class SystemdBusStream(Socket socket, TimeSpan patience) : NetworkStream(socket, ownsSocket: true)
{
    private static ReadOnlySpan<byte> Begin => "BEGIN\r\n"u8;

    private bool _begun;

    /// <summary>A blocking connect to the unix socket at <paramref name="path"/>; the stream owns the socket.</summary>
    public static SystemdBusStream Connect(string path, TimeSpan patience)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new SystemdBusStream(socket, patience);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        base.Write(buffer);
        AfterWrite(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await base.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        AfterWrite(buffer.Span);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void AfterWrite(ReadOnlySpan<byte> written)
    {
        if (_begun || !written.EndsWith(Begin))
            return;
        _begun = true;
        WaitUntilPeerHasRead();
    }

    /// <summary>
    /// Polls the socket's unread byte count (SIOCOUTQ) for at most <c>patience</c>. If systemd is slower than that,
    /// the Hello goes anyway, and the caller's timeout still bounds the call.
    /// </summary>
    private void WaitUntilPeerHasRead()
    {
        var deadline = DateTime.UtcNow + patience;
        while (Linux.Sys.UnreadByPeer(Socket.SafeHandle) > 0 && DateTime.UtcNow < deadline)
            Thread.Sleep(1);
    }
}
