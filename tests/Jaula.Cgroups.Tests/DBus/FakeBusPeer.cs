using System.Net.Sockets;
using System.Text;
using Jaula.Cgroups.DBus;
using Jaula.Linux;

namespace Jaula.Cgroups.Tests.DBus;

/// <summary>
/// A tiny D-Bus peer on the other end of a socketpair: answers SASL EXTERNAL, then hands every method call to a
/// handler that returns the reply (or null for none) and records the calls. Stands in for systemd or a bus daemon.
/// </summary>
public sealed class FakeBusPeer : IDisposable
{
    private readonly Socket _server;
    private readonly Thread _thread;
    private uint _serial = 100;

    public List<DBusMessage> Calls { get; } = [];
    public string? AuthLine { get; private set; }
    public Exception? Failure { get; private set; }

    public Socket ClientEnd { get; }

    public FakeBusPeer(Func<FakeBusPeer, DBusMessage, DBusMessage?> handle)
    {
        var (a, b) = Sys.SocketPair();
        ClientEnd = new Socket(new SafeSocketHandle(a.Release(), ownsHandle: true));
        _server = new Socket(new SafeSocketHandle(b.Release(), ownsHandle: true));
        _thread = new Thread(() => Serve(handle)) { IsBackground = true };
        _thread.Start();
    }

    public DBusMessage Return(DBusMessage call, string signature = "", Action<DBusWriter>? body = null) =>
        Reply(call, DBusMessageType.MethodReturn, null, signature, body);

    public DBusMessage Error(DBusMessage call, string name, string message) =>
        Reply(call, DBusMessageType.Error, name, "s", w => w.WriteString(message));

    public DBusMessage Signal(string member) => new()
    {
        Type = DBusMessageType.Signal, Serial = ++_serial, Path = "/org/freedesktop/systemd1",
        Interface = "org.freedesktop.systemd1.Manager", Member = member,
    };

    private DBusMessage Reply(DBusMessage call, DBusMessageType type, string? error, string signature, Action<DBusWriter>? body)
    {
        var w = new DBusWriter();
        body?.Invoke(w);
        return new DBusMessage { Type = type, Serial = ++_serial, ReplySerial = call.Serial, ErrorName = error, Signature = signature, Body = w.ToArray() };
    }

    /// <summary>Extra messages (signals, stray replies) the peer sends before its next reply.</summary>
    public List<DBusMessage> SendBeforeNextReply { get; } = [];

    private void Serve(Func<FakeBusPeer, DBusMessage, DBusMessage?> handle)
    {
        try
        {
            if (ReadExactly(1)[0] != 0)
                throw new InvalidOperationException("the client did not start with a NUL byte");
            AuthLine = ReadLine();
            _server.Send("OK 0123456789abcdef0123456789abcdef\r\n"u8.ToArray());
            if (ReadLine() != "BEGIN")
                throw new InvalidOperationException("no BEGIN after OK");
            while (true)
            {
                byte[] head;
                try
                {
                    head = ReadExactly(16);
                }
                catch (EndOfStreamException)
                {
                    return;
                }
                byte[] rest = ReadExactly(DBusMessage.TotalLength(head) - 16);
                var call = DBusMessage.Decode([.. head, .. rest]);
                lock (Calls)
                    Calls.Add(call);
                var reply = handle(this, call);
                foreach (var extra in SendBeforeNextReply)
                    _server.Send(extra.Encode());
                SendBeforeNextReply.Clear();
                if (reply is not null)
                    _server.Send(reply.Encode());
            }
        }
        catch (Exception e)
        {
            Failure = e;
        }
    }

    private string ReadLine()
    {
        var line = new StringBuilder();
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
            line.Append((char)ReadExactly(1)[0]);
        return line.ToString()[..^2];
    }

    private byte[] ReadExactly(int count)
    {
        byte[] buffer = new byte[count];
        int got = 0;
        while (got < count)
        {
            int n = _server.Receive(buffer, got, count - got, SocketFlags.None);
            if (n == 0)
                throw new EndOfStreamException();
            got += n;
        }
        return buffer;
    }

    public void Dispose()
    {
        _server.Shutdown(SocketShutdown.Both);
        _thread.Join(TimeSpan.FromSeconds(5));
        _server.Dispose();
        ClientEnd.Dispose();
    }
}
