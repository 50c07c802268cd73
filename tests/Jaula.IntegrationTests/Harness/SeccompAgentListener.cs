using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Jaula.IntegrationTests.Harness;

/// <summary>What the agent saw: the container process state JSON and the syscall it answered (-1 if none came).</summary>
public sealed record SeccompAgentResult(string StateJson, int Syscall);

/// <summary>
/// A seccomp agent for tests: listens on an AF_UNIX stream socket, takes <c>connections</c> connections one after the
/// other (create, then each exec), and for each reads the container process state and the notify fd (SCM_RIGHTS),
/// then answers the first notification with -<c>answerErrno</c>.
/// Everything waits with a timeout, so a runtime that never connects fails the test instead of hanging it.
/// </summary>
public sealed class SeccompAgentListener : IDisposable
{
    private const ulong NotifRecv = 0xC0502100; // _IOWR('!', 0, struct seccomp_notif), 80 bytes
    private const ulong NotifSend = 0xC0182101; // _IOWR('!', 1, struct seccomp_notif_resp), 24 bytes
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly string _dir;
    private readonly Socket _socket;
    private readonly Task<List<SeccompAgentResult>> _agent;

    public SeccompAgentListener(int answerErrno, int connections = 1)
    {
        _dir = Directory.CreateTempSubdirectory("jaula-it-agent-").FullName;
        Path = System.IO.Path.Combine(_dir, "agent.sock");
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
        _socket.Listen(connections);
        _agent = Task.Run(() =>
        {
            var results = new List<SeccompAgentResult>();
            for (int i = 0; i < connections; i++)
                results.Add(Serve(answerErrno));
            return results;
        });
    }

    public string Path { get; }

    /// <summary>What the first connection brought.</summary>
    public SeccompAgentResult Wait() => WaitAll()[0];

    /// <summary>What every connection brought, in order.</summary>
    public IReadOnlyList<SeccompAgentResult> WaitAll() =>
        _agent.Wait(Timeout * 2) ? _agent.Result : throw new TimeoutException("the seccomp agent did not finish");

    private SeccompAgentResult Serve(int answerErrno)
    {
        var accept = _socket.AcceptAsync();
        if (!accept.Wait(Timeout))
            throw new TimeoutException("nobody connected to the seccomp agent");
        using Socket connection = accept.Result;
        var (first, fd) = ReceiveWithFd(connection);
        var json = new StringBuilder(first);
        var buffer = new byte[4096];
        int n;
        while ((n = connection.Receive(buffer)) > 0)
            json.Append(Encoding.UTF8.GetString(buffer, 0, n));
        if (fd < 0)
            return new SeccompAgentResult(json.ToString(), -1);
        try
        {
            return new SeccompAgentResult(json.ToString(), AnswerOne(fd, answerErrno));
        }
        finally
        {
            close(fd);
        }
    }

    private static int AnswerOne(int fd, int answerErrno)
    {
        var poll = new[] { new PollFd { Fd = fd, Events = 1 } };
        if (Libc.poll(poll, 1, (int)Timeout.TotalMilliseconds) <= 0)
            return -1;
        var notif = new byte[80];
        if (Libc.ioctl(fd, NotifRecv, notif) < 0)
            throw new IOException($"SECCOMP_IOCTL_NOTIF_RECV: errno {Marshal.GetLastPInvokeError()}");
        ulong id = BitConverter.ToUInt64(notif, 0);
        int syscall = BitConverter.ToInt32(notif, 16); // after id (8), pid (4), flags (4): seccomp_data.nr
        var response = new byte[24];
        BitConverter.GetBytes(id).CopyTo(response, 0);
        BitConverter.GetBytes(-answerErrno).CopyTo(response, 16);
        if (Libc.ioctl(fd, NotifSend, response) < 0)
            throw new IOException($"SECCOMP_IOCTL_NOTIF_SEND: errno {Marshal.GetLastPInvokeError()}");
        return syscall;
    }

    /// <summary>recvmsg with room for one SCM_RIGHTS descriptor: the text read and the fd (-1 when none came).</summary>
    private static (string Text, int Fd) ReceiveWithFd(Socket connection)
    {
        const int bufferSize = 65536, controlSize = 24, msgSize = 56;
        IntPtr data = Marshal.AllocHGlobal(bufferSize), control = Marshal.AllocHGlobal(controlSize);
        IntPtr iov = Marshal.AllocHGlobal(16), msg = Marshal.AllocHGlobal(msgSize);
        try
        {
            for (int i = 0; i < controlSize; i++)
                Marshal.WriteByte(control, i, 0);
            for (int i = 0; i < msgSize; i++)
                Marshal.WriteByte(msg, i, 0);
            Marshal.WriteIntPtr(iov, 0, data);
            Marshal.WriteInt64(iov, 8, bufferSize);
            Marshal.WriteIntPtr(msg, 16, iov);      // msg_iov
            Marshal.WriteInt64(msg, 24, 1);         // msg_iovlen
            Marshal.WriteIntPtr(msg, 32, control);  // msg_control
            Marshal.WriteInt64(msg, 40, controlSize);
            long n = Libc.recvmsg((int)connection.Handle, msg, 0x40000000); // MSG_CMSG_CLOEXEC: never leak it into other tests' children
            if (n < 0)
                throw new IOException($"recvmsg: errno {Marshal.GetLastPInvokeError()}");
            bool hasFd = Marshal.ReadInt64(msg, 40) >= 20 && Marshal.ReadInt32(control, 8) == 1 && Marshal.ReadInt32(control, 12) == 1;
            int fd = hasFd ? Marshal.ReadInt32(control, 16) : -1;
            return (Marshal.PtrToStringUTF8(data, (int)n), fd);
        }
        finally
        {
            Marshal.FreeHGlobal(data);
            Marshal.FreeHGlobal(control);
            Marshal.FreeHGlobal(iov);
            Marshal.FreeHGlobal(msg);
        }
    }

    [DllImport("libc")]
    private static extern int close(int fd);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    private static class Libc
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int poll([In, Out] PollFd[] fds, ulong count, int timeout);

        [DllImport("libc", SetLastError = true)]
        public static extern int ioctl(int fd, ulong request, [In, Out] byte[] argument);

        [DllImport("libc", SetLastError = true)]
        public static extern long recvmsg(int socket, IntPtr message, int flags);
    }

    public void Dispose()
    {
        _socket.Dispose();
        try
        {
            _agent.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
            // the test already reported what went wrong
        }
        Directory.Delete(_dir, recursive: true);
    }
}
