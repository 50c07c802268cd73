using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>AF_UNIX sockets: socketpair, connect, passing a descriptor with SCM_RIGHTS, and the send queue's length.</summary>
public static partial class Sys
{
    private const int AF_UNIX = 1;
    private const int SOCK_STREAM = 1;
    private const int SOCK_SEQPACKET = 5;
    private const int SOCK_CLOEXEC = 0x80000;
    private const int SOL_SOCKET = 1;
    private const int SCM_RIGHTS = 1;
    private const int MSG_NOSIGNAL = 0x4000;
    private const int MSG_CTRUNC = 0x8;
    private const int MSG_CMSG_CLOEXEC = 0x40000000;
    private const ulong SIOCOUTQ = 0x5411; // = TIOCOUTQ on x86_64

    /// <summary>sockaddr_un.sun_path is 108 bytes, including the terminating NUL.</summary>
    private const int UnixPathMax = 108;

    /// <summary>CMSG_SPACE(sizeof(int)) on x86_64: a 16-byte cmsghdr plus the int padded to 8.</summary>
    private const int FdControlSpace = 24;

    /// <summary>CMSG_LEN(sizeof(int)).</summary>
    private const int FdControlLength = 20;

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
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
    private struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "socketpair", SetLastError = true)]
        internal static unsafe partial int SocketPair(int domain, int type, int protocol, int* fds);

        [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
        internal static partial int Socket(int domain, int type, int protocol);

        [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
        internal static unsafe partial int Connect(SafeFd socket, byte* address, uint length);

        [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
        internal static unsafe partial nint SendMsg(SafeFd socket, MsgHdr* message, int flags);

        [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
        internal static unsafe partial nint RecvMsg(SafeFd socket, MsgHdr* message, int flags);

        [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
        internal static unsafe partial int IoctlInt(SafeHandle fd, ulong request, int* value);
    }

    /// <summary>
    /// ioctl(SIOCOUTQ): the bytes this socket sent that its peer has not read yet (an AF_UNIX stream socket's sent data
    /// stays charged to the sender until the receiver reads it).
    /// </summary>
    public static unsafe int UnreadByPeer(SafeHandle socket)
    {
        int queued;
        ThrowIfFailed(Libc.IoctlInt(socket, SIOCOUTQ, &queued), "ioctl(SIOCOUTQ)");
        return queued;
    }

    /// <summary>A connected AF_UNIX pair, close-on-exec; SOCK_STREAM, or SOCK_SEQPACKET to keep message boundaries.</summary>
    public static unsafe (SafeFd A, SafeFd B) SocketPair(bool seqPacket = false)
    {
        int* fds = stackalloc int[2];
        int type = (seqPacket ? SOCK_SEQPACKET : SOCK_STREAM) | SOCK_CLOEXEC;
        ThrowIfFailed(Libc.SocketPair(AF_UNIX, type, 0, fds), "socketpair");
        return (SafeFd.Own(fds[0]), SafeFd.Own(fds[1]));
    }

    /// <summary>
    /// Sends <paramref name="data"/> (at least one byte: a descriptor cannot travel alone on a stream socket) with
    /// a copy of <paramref name="fdToSend"/> attached. Retries EINTR.
    /// </summary>
    public static unsafe void SendWithFd(SafeFd socket, ReadOnlySpan<byte> data, int fdToSend)
    {
        if (data.IsEmpty)
            throw new ArgumentException("at least one byte must accompany a descriptor", nameof(data));
        byte* control = stackalloc byte[FdControlSpace];
        new Span<byte>(control, FdControlSpace).Clear();
        var header = (CmsgHdr*)control;
        header->Length = FdControlLength;
        header->Level = SOL_SOCKET;
        header->Type = SCM_RIGHTS;
        *(int*)(control + sizeof(CmsgHdr)) = fdToSend;

        fixed (byte* p = data)
        {
            var iov = new IoVec { Base = p, Length = (nuint)data.Length };
            var message = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = FdControlSpace };
            nint sent;
            while ((sent = Libc.SendMsg(socket, &message, MSG_NOSIGNAL)) < 0)
            {
                if (Marshal.GetLastPInvokeError() != Errno.EINTR)
                    throw ErrnoException.FromLastError("sendmsg");
            }
            // The descriptor went with the first byte; whatever the kernel did not take goes as plain data.
            if (sent < data.Length)
                WriteAll(socket, data[(int)sent..]);
        }
    }

    /// <summary><see cref="SendWithFd(SafeFd, ReadOnlySpan{byte}, int)"/>, keeping <paramref name="fdToSend"/> open for the call.</summary>
    public static void SendWithFd(SafeFd socket, ReadOnlySpan<byte> data, SafeFd fdToSend)
    {
        bool added = false;
        fdToSend.DangerousAddRef(ref added);
        try
        {
            SendWithFd(socket, data, fdToSend.Value);
        }
        finally
        {
            if (added)
                fdToSend.DangerousRelease();
        }
    }

    /// <summary>
    /// What --console-socket, --pidfd-socket and a seccomp listenerPath expect: connect to the AF_UNIX socket at
    /// <paramref name="socketPath"/> and send one message, <paramref name="data"/> with <paramref name="fdToSend"/>.
    /// </summary>
    public static void SendFdToSocket(string socketPath, ReadOnlySpan<byte> data, SafeFd fdToSend)
    {
        using SafeFd socket = ConnectUnix(socketPath);
        SendWithFd(socket, data, fdToSend);
    }

    /// <summary>
    /// recvmsg(2) counterpart of <see cref="SendWithFd(SafeFd, ReadOnlySpan{byte}, int)"/>: the bytes read (0 at end of stream) and the descriptor
    /// that came with them, if any (close-on-exec). Retries EINTR.
    /// </summary>
    public static unsafe int ReceiveWithFd(SafeFd socket, Span<byte> buffer, out SafeFd? receivedFd)
    {
        byte* control = stackalloc byte[FdControlSpace];
        new Span<byte>(control, FdControlSpace).Clear();
        fixed (byte* p = buffer)
        {
            var iov = new IoVec { Base = p, Length = (nuint)buffer.Length };
            var message = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = FdControlSpace };
            nint received;
            while ((received = Libc.RecvMsg(socket, &message, MSG_CMSG_CLOEXEC)) < 0)
            {
                if (Marshal.GetLastPInvokeError() != Errno.EINTR)
                    throw ErrnoException.FromLastError("recvmsg");
            }
            var header = (CmsgHdr*)control;
            bool hasFd = message.ControlLength >= FdControlLength && header->Level == SOL_SOCKET && header->Type == SCM_RIGHTS;
            receivedFd = hasFd ? SafeFd.Own(*(int*)(control + sizeof(CmsgHdr))) : null;
            if ((message.Flags & MSG_CTRUNC) != 0 && receivedFd is null)
                throw new ErrnoException("recvmsg", "control data truncated", Errno.EMSGSIZE);
            return (int)received;
        }
    }

    /// <summary>Connects a close-on-exec SOCK_STREAM socket to the AF_UNIX socket at <paramref name="path"/>.</summary>
    public static unsafe SafeFd ConnectUnix(string path)
    {
        byte[] name = CString(path);
        if (name.Length > UnixPathMax)
            throw new ErrnoException("connect", path, Errno.ENAMETOOLONG);
        int fd = Libc.Socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ThrowIfFailed(fd, "socket");
        var socket = SafeFd.Own(fd);
        byte* address = stackalloc byte[sizeof(ushort) + UnixPathMax];
        *(ushort*)address = AF_UNIX;
        name.CopyTo(new Span<byte>(address + sizeof(ushort), UnixPathMax));
        if (Libc.Connect(socket, address, (uint)(sizeof(ushort) + name.Length)) != 0)
        {
            var error = ErrnoException.FromLastError("connect", path);
            socket.Dispose();
            throw error;
        }
        return socket;
    }
}
