using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Jaula.Cgroups.DBus;

/// <summary>
/// A D-Bus connection over a unix stream socket: SASL EXTERNAL authentication (the peer reads our uid from the
/// socket's credentials; we send it as hex of its decimal digits), then method calls answered in order. Signals and
/// replies to other calls that arrive meanwhile are skipped. Not thread-safe: one caller at a time.
/// </summary>
public sealed class DBusConnection : IDisposable
{
    private readonly Socket _socket;
    private uint _serial;

    private DBusConnection(Socket socket) => _socket = socket;

    /// <summary>The unique name the bus daemon gave us (null on a peer-to-peer connection such as systemd's private socket).</summary>
    public string? UniqueName { get; private set; }

    /// <summary>Connects to a unix socket path; <paramref name="hello"/> is for a bus daemon (a direct peer needs none).</summary>
    public static DBusConnection Connect(string socketPath, uint uid, bool hello, TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new DBusProtocolException($"connect to {socketPath}: {e.Message}", e);
        }
        return Open(socket, uid, hello, timeout);
    }

    /// <summary>Authenticates on an already connected socket (owned from here on).</summary>
    public static DBusConnection Open(Socket socket, uint uid, bool hello, TimeSpan timeout)
    {
        socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        socket.SendTimeout = (int)timeout.TotalMilliseconds;
        var connection = new DBusConnection(socket);
        try
        {
            connection.Authenticate(uid);
            if (hello)
                connection.UniqueName = (string)connection.Call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello")[0];
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The hex form of the uid's decimal digits that AUTH EXTERNAL carries ("0" is "30").</summary>
    public static string HexUid(uint uid) =>
        Convert.ToHexString(Encoding.ASCII.GetBytes(uid.ToString(CultureInfo.InvariantCulture))).ToLowerInvariant();

    private void Authenticate(uint uid)
    {
        // The protocol starts with one NUL byte (which carries credentials on systems that need them sent).
        Send(Encoding.ASCII.GetBytes($"\0AUTH EXTERNAL {HexUid(uid)}\r\n"));
        string reply = ReadLine();
        if (!reply.StartsWith("OK ", StringComparison.Ordinal))
            throw new DBusProtocolException($"SASL EXTERNAL as uid {uid} refused: \"{reply}\"");
        Send("BEGIN\r\n"u8.ToArray());
    }

    private string ReadLine()
    {
        var line = new List<byte>();
        Span<byte> one = stackalloc byte[1];
        while (line.Count < 4096)
        {
            ReceiveExactly(one);
            line.Add(one[0]);
            if (line.Count >= 2 && line[^2] == '\r' && line[^1] == '\n')
                return Encoding.ASCII.GetString([.. line])[..^2];
        }
        throw new DBusProtocolException("SASL reply line longer than 4096 bytes");
    }

    /// <summary>Calls a method and returns the reply's body; an error reply becomes a <see cref="DBusErrorException"/>.</summary>
    public object[] Call(string? destination, string path, string @interface, string member, string signature = "",
        Action<DBusWriter>? body = null)
    {
        var w = new DBusWriter();
        body?.Invoke(w);
        var call = new DBusMessage
        {
            Type = DBusMessageType.MethodCall,
            Serial = ++_serial,
            Destination = destination,
            Path = path,
            Interface = @interface,
            Member = member,
            Signature = signature,
            Body = w.ToArray(),
        };
        Send(call.Encode());
        string method = $"{@interface}.{member}";
        while (true)
        {
            var message = Receive();
            if (message.ReplySerial != call.Serial || message.Type is not (DBusMessageType.MethodReturn or DBusMessageType.Error))
                continue;
            if (message.Type == DBusMessageType.Error)
            {
                var values = message.Signature.StartsWith('s') ? message.ReadBody() : [];
                throw new DBusErrorException(method, message.ErrorName ?? "(no error name)", values.Length > 0 ? (string)values[0] : "");
            }
            return message.ReadBody();
        }
    }

    public DBusMessage Receive()
    {
        byte[] head = new byte[16];
        ReceiveExactly(head);
        byte[] whole = new byte[DBusMessage.TotalLength(head)];
        head.CopyTo(whole, 0);
        ReceiveExactly(whole.AsSpan(16));
        return DBusMessage.Decode(whole);
    }

    public void Send(byte[] bytes)
    {
        try
        {
            int sent = 0;
            while (sent < bytes.Length)
                sent += _socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
        }
        catch (SocketException e)
        {
            throw new DBusProtocolException($"send: {e.Message}", e);
        }
    }

    private void ReceiveExactly(Span<byte> into)
    {
        try
        {
            while (into.Length > 0)
            {
                int n = _socket.Receive(into);
                if (n == 0)
                    throw new DBusProtocolException("the peer closed the connection");
                into = into[n..];
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            throw new DBusProtocolException("no answer in time", e);
        }
        catch (SocketException e)
        {
            throw new DBusProtocolException($"receive: {e.Message}", e);
        }
    }

    public void Dispose() => _socket.Dispose();
}
