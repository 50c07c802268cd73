using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>
/// An owned file descriptor. Passing it to a P/Invoke keeps it alive for the call, so a concurrent Dispose cannot
/// close (and the kernel reuse) the number while the syscall still uses it.
/// </summary>
public sealed class SafeFd : SafeHandle
{
    /// <summary>Needed by the P/Invoke marshaller; holds no descriptor.</summary>
    public SafeFd()
        : base(-1, ownsHandle: true)
    {
    }

    private SafeFd(bool ownsHandle)
        : base(-1, ownsHandle)
    {
    }

    public override bool IsInvalid => handle < 0;

    /// <summary>The descriptor number (-1 when invalid).</summary>
    public int Value => (int)handle;

    /// <summary>
    /// "/proc/self/fd/N": the path that names exactly the file this fd holds (for mount, readlink, a reopen), not
    /// whatever a path resolves to now.
    /// </summary>
    public string ProcPath => ProcPathOf(Value);

    /// <inheritdoc cref="ProcPath"/>
    public static string ProcPathOf(int fd) => $"/proc/self/fd/{fd}";

    /// <summary>
    /// AT_FDCWD for the *at() calls: "relative to the working directory". A fresh instance each time, since a
    /// disposed SafeHandle cannot be passed again.
    /// </summary>
    public static SafeFd AtCwd => Own(Sys.AT_FDCWD);

    /// <summary>Takes ownership of <paramref name="fd"/>: disposing the result closes it.</summary>
    public static SafeFd Own(int fd)
    {
        var safe = new SafeFd();
        safe.SetHandle(fd);
        return safe;
    }

    /// <summary>Wraps a descriptor someone else owns (stdio): disposing the result leaves it open.</summary>
    public static SafeFd Borrow(int fd)
    {
        var safe = new SafeFd(ownsHandle: false);
        safe.SetHandle(fd);
        return safe;
    }

    /// <summary>Gives up ownership: the caller now has to close the returned number.</summary>
    public int Release()
    {
        int fd = Value;
        SetHandleAsInvalid();
        return fd;
    }

    // close(2) is not retried on EINTR: on Linux the descriptor is released even then, and a retry could close a
    // number another thread has just been given.
    protected override bool ReleaseHandle() => Sys.CloseFd((int)handle) == 0;

    public override string ToString() => $"fd {Value}";
}
