using Tmds.DBus.Protocol;

namespace Jaula.Cgroups.Tests.Systemd;

/// <summary>A method call the fake systemd received: its arguments decoded (a(sv) as a name → plain value map).</summary>
public sealed record BusCall(string Path, string Interface, string Member, string Signature, IReadOnlyList<object> Args)
{
    public IReadOnlyDictionary<string, object> Properties(int index) => (Dictionary<string, object>)Args[index];
}

public delegate void ReplyWriter(ref MessageWriter writer);

/// <summary>What the fake systemd answers to a call; <see cref="None"/> leaves the caller waiting.</summary>
public sealed record BusReply(string? Signature, ReplyWriter? Write, string? ErrorName = null, string? ErrorMessage = null)
{
    public static BusReply Empty { get; } = new(null, null);
    public static BusReply None { get; } = new(null, null, ErrorName: "");
    public static BusReply ObjectPath(string path) => new("o", (ref MessageWriter w) => w.WriteObjectPath(path));
    public static BusReply StringVariant(string value) => new("v", (ref MessageWriter w) => w.WriteVariant(VariantValue.String(value)));
    public static BusReply Error(string name, string message) => new(null, null, name, message);
}

/// <summary>
/// A stand-in for systemd on a <see cref="PrivateBus"/>: a Tmds.DBus.Protocol connection that owns the name
/// org.freedesktop.systemd1, records every call under /org/freedesktop/systemd1 and answers it with <c>answer</c>.
/// </summary>
public sealed class FakeSystemd : IPathMethodHandler, IDisposable
{
    private readonly DBusConnection _connection;
    private readonly Func<BusCall, BusReply> _answer;
    private readonly List<BusCall> _calls = [];
    private readonly List<MethodContext> _unanswered = [];

    /// <summary>Sent to the caller (unicast) before each reply: the client must skip it.</summary>
    public bool SignalBeforeReply { get; set; }

    public Exception? Failure { get; private set; }

    public FakeSystemd(PrivateBus bus, Func<BusCall, BusReply> answer)
    {
        _answer = answer;
        _connection = new DBusConnection($"unix:path={bus.SocketPath}");
        // Off xunit's synchronization context, which would wait for the connection's receive loop as the test's own work.
        Task.Run(async () =>
        {
            await _connection.ConnectAsync();
            _connection.AddMethodHandler(this);
            await _connection.RequestNameAsync("org.freedesktop.systemd1");
        }).WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    public IReadOnlyList<BusCall> Calls
    {
        get
        {
            lock (_calls)
                return [.. _calls];
        }
    }

    public string Path => "/org/freedesktop/systemd1";

    public bool HandlesChildPaths => true;

    public ValueTask HandleMethodAsync(MethodContext context)
    {
        try
        {
            var request = context.Request;
            var call = new BusCall(request.PathAsString ?? "", request.InterfaceAsString ?? "", request.MemberAsString ?? "",
                request.SignatureAsString ?? "", ReadArgs(request));
            lock (_calls)
                _calls.Add(call);
            if (SignalBeforeReply)
                SendSignal(request.SenderAsString!);
            Reply(context, _answer(call));
        }
        catch (Exception e)
        {
            Failure ??= e;
            context.ReplyError("org.freedesktop.DBus.Error.Failed", e.Message);
        }
        return default;
    }

    private void Reply(MethodContext context, BusReply reply)
    {
        if (reply == BusReply.None)
        {
            // Left unanswered until Dispose: without this the library answers UnknownMethod when the handler returns.
            context.DisposesAsynchronously = true;
            lock (_unanswered)
                _unanswered.Add(context);
            return;
        }
        if (reply.ErrorName is not null)
        {
            context.ReplyError(reply.ErrorName, reply.ErrorMessage ?? "");
            return;
        }
        var writer = context.CreateReplyWriter(reply.Signature!);
        try
        {
            reply.Write?.Invoke(ref writer);
            context.Reply(writer.CreateMessage());
        }
        finally
        {
            writer.Dispose();
        }
    }

    private void SendSignal(string destination)
    {
        var writer = _connection.GetMessageWriter();
        try
        {
            writer.WriteSignalHeader(destination, Path, "org.freedesktop.systemd1.Manager", "UnitNew", "so");
            writer.WriteString("other.scope");
            writer.WriteObjectPath("/org/freedesktop/systemd1/unit/other_2escope");
            _connection.TrySendMessage(writer.CreateMessage());
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Decodes the argument types jaula sends: s, b, a(sv) (properties), a(sa(sv)) (aux units: their count).</summary>
    private static List<object> ReadArgs(Message request)
    {
        var args = new List<object>();
        var r = request.GetBodyReader();
        string signature = request.SignatureAsString ?? "";
        for (int i = 0; i < signature.Length;)
        {
            if (signature.AsSpan(i).StartsWith("a(sa(sv))"))
            {
                int count = 0;
                ArrayEnd end = r.ReadArrayStart(DBusType.Struct);
                while (r.HasNext(end))
                {
                    r.AlignStruct();
                    r.ReadString();
                    ReadProperties(ref r);
                    count++;
                }
                args.Add(count);
                i += "a(sa(sv))".Length;
            }
            else if (signature.AsSpan(i).StartsWith("a(sv)"))
            {
                args.Add(ReadProperties(ref r));
                i += "a(sv)".Length;
            }
            else
            {
                args.Add(signature[i++] switch
                {
                    's' => r.ReadString(),
                    'b' => r.ReadBool(),
                    'o' => r.ReadObjectPathAsString(),
                    char c => throw new NotSupportedException($"argument type {c} in {signature}"),
                });
            }
        }
        return args;
    }

    private static Dictionary<string, object> ReadProperties(ref Reader r)
    {
        var properties = new Dictionary<string, object>();
        ArrayEnd end = r.ReadArrayStart(DBusType.Struct);
        while (r.HasNext(end))
        {
            r.AlignStruct();
            string name = r.ReadString();
            properties[name] = PlainValue.Of(r.ReadVariantValue());
        }
        return properties;
    }

    public void Dispose()
    {
        lock (_unanswered)
        {
            foreach (var context in _unanswered)
                context.Dispose();
        }
        _connection.Dispose();
    }
}
