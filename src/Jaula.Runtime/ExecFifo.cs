using Jaula.Linux;

namespace Jaula.Runtime;

/// <summary>
/// runc's exec fifo: the init, fully set up, blocks opening &lt;state&gt;/exec.fifo for writing; `start` opens it for
/// reading, which releases the init into execve. While the fifo exists the container is "created".
/// </summary>
public static class ExecFifo
{
    public const string FileName = "exec.fifo";

    public static string PathIn(string containerDir) => Path.Combine(containerDir, FileName);

    /// <summary>Creates the fifo and returns an O_PATH fd that the init inherits (it cannot see the state dir).</summary>
    public static SafeFd Create(string containerDir)
    {
        string path = PathIn(containerDir);
        uint oldMask = Sys.Umask(0);
        try
        {
            // 0622: the init may have switched to an unprivileged user by the time it opens the fifo for writing.
            Sys.Mkfifo(path, 0x192 /* 0622 */);
        }
        finally
        {
            Sys.Umask(oldMask);
        }
        return Sys.Open(path, OpenFlags.Path | OpenFlags.CloExec);
    }

    public static bool Exists(string containerDir) => Sys.TryLstat(PathIn(containerDir), out _);

    /// <summary>
    /// `start`: opens the fifo without blocking, then waits until the init has opened it and written its byte, or
    /// until the init dies (its pidfd becomes readable), so a dead init cannot hang `start` forever.
    /// </summary>
    public static void Release(string containerDir, SafeFd initPidFd)
    {
        string path = PathIn(containerDir);
        using var fifo = Sys.Open(path, OpenFlags.ReadOnly | OpenFlags.NonBlock | OpenFlags.CloExec);
        Span<byte> buffer = stackalloc byte[1];
        Span<PollFd> fds = [new PollFd(fifo.Value, PollFd.In), new PollFd(initPidFd.Value, PollFd.In)];
        while (true)
        {
            Sys.Poll(fds, timeoutMs: -1);
            // POLLHUP alone means no writer yet (or one came and went): keep waiting unless the init is gone.
            if ((fds[0].Revents & PollFd.In) != 0 && Sys.ReadNonBlocking(fifo, buffer) > 0)
                break;
            if (fds[1].Revents != 0)
                throw new JaulaException("the container's init exited before it could be started");
            if ((fds[0].Revents & PollFd.Hup) != 0)
                Thread.Sleep(1); // a hung-up fifo polls as ready at once; don't spin on it
        }
        if (buffer[0] != (byte)'0')
            throw new Hooks.HookFailedException(ReadFailure(fifo));
        Sys.Unlink(path);
    }

    /// <summary>
    /// The init's side: blocks until `start` opens the fifo, runs <paramref name="beforeRelease"/> (the
    /// startContainer hooks), then writes "0", or "1" and the failure, which `start` reports. False on failure.
    /// (A container's process is released by the final phase in C, which writes the byte itself.)
    /// </summary>
    public static bool WaitForStart(SafeFd fdDirectory, int fifoFd, Func<string?>? beforeRelease = null)
    {
        using var fifo = OpenForStart(fdDirectory, fifoFd);
        string? failure = beforeRelease?.Invoke();
        if (failure is null)
        {
            Sys.WriteAll(fifo, "0"u8);
            return true;
        }
        Refuse(fifo, failure);
        return false;
    }

    /// <summary>The init's side: blocks until `start` opens the fifo for reading; returns it open for writing.</summary>
    /// <param name="fdDirectory">The init's /proc/self/fd, from <see cref="OpenFdDirectory"/>.</param>
    public static SafeFd OpenForStart(SafeFd fdDirectory, int fifoFd) =>
        // Reopening through /proc/self/fd needs no path into the state dir, which the init cannot see after pivot_root.
        Sys.OpenAt(fdDirectory, fifoFd.ToString(System.Globalization.CultureInfo.InvariantCulture),
            OpenFlags.WriteOnly | OpenFlags.CloExec);

    /// <summary>Tells `start` why the process will not run: "1" and the failure.</summary>
    public static void Refuse(SafeFd fifo, string failure)
    {
        // One write below PIPE_BUF is atomic: `start` finds the whole message once it has read the first byte.
        if (failure.Length > MaxFailureLength)
            failure = failure[..MaxFailureLength] + "...";
        Sys.WriteAll(fifo, System.Text.Encoding.UTF8.GetBytes("1" + failure));
    }

    private const int MaxFailureLength = 1000;

    /// <summary>
    /// The init's own /proc/self/fd, opened while the host's /proc is still reachable: a container without a /proc
    /// mount (mounts absent or []) has none after pivot_root, and runc starts such containers too.
    /// </summary>
    public static SafeFd OpenFdDirectory() =>
        Sys.Open("/proc/self/fd", OpenFlags.Path | OpenFlags.Directory | OpenFlags.CloExec);

    /// <summary>What the init wrote after a "1": everything is already in the pipe (one atomic write).</summary>
    private static string ReadFailure(SafeFd fifo)
    {
        var text = new List<byte>();
        Span<byte> buffer = stackalloc byte[4096];
        int n;
        while ((n = Sys.ReadNonBlocking(fifo, buffer)) > 0)
            text.AddRange(buffer[..n]);
        return System.Text.Encoding.UTF8.GetString(text.ToArray());
    }
}
