using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// What an engine does with --console-socket: listen on an AF_UNIX socket, accept the runtime's one connection and
/// take the single SCM_RIGHTS descriptor (the pty master) from its message.
/// </summary>
public sealed class ConsoleSocketReceiver : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly string _dir = Directory.CreateTempSubdirectory("jaula-it-console-").FullName;

    public ConsoleSocketReceiver()
    {
        Path = System.IO.Path.Join(_dir, "console.sock");
        _listener.Bind(new UnixDomainSocketEndPoint(Path));
        _listener.Listen(1);
    }

    public string Path { get; }

    /// <summary>Accepts the connection and returns the master as a stream, plus the name the runtime sent.</summary>
    public (FileStream Master, string Name) Receive(TimeSpan timeout)
    {
        var accepting = _listener.AcceptAsync();
        if (!accepting.Wait(timeout))
            throw new TimeoutException("nobody connected to the console socket");
        using Socket connection = accepting.Result;
        var (fd, name) = ReceiveFd(connection.Handle);
        return (new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.ReadWrite, 1, isAsync: false), name);
    }

    public void Dispose()
    {
        _listener.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe nint recvmsg(nint socket, MsgHdr* message, int flags);

    private static unsafe (nint Fd, string Name) ReceiveFd(nint socket)
    {
        byte* data = stackalloc byte[256];
        byte* control = stackalloc byte[64];
        var iov = new IoVec { Base = data, Length = 256 };
        var message = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = 64 };
        nint n = recvmsg(socket, &message, 0x40000000 /* MSG_CMSG_CLOEXEC */);
        if (n < 0)
            throw new IOException($"recvmsg: errno {Marshal.GetLastPInvokeError()}");
        // struct cmsghdr { size_t len; int level; int type; } then the fds.
        nuint length = *(nuint*)control;
        int level = *(int*)(control + 8), type = *(int*)(control + 12);
        if (message.ControlLength < 20 || level != 1 /* SOL_SOCKET */ || type != 1 /* SCM_RIGHTS */)
            throw new IOException("the console socket message carried no descriptor");
        if (length != 20)
            throw new IOException($"the console socket message carried {(length - 16) / 4} descriptors, not one");
        return (*(int*)(control + 16), System.Text.Encoding.UTF8.GetString(data, (int)n));
    }
}
