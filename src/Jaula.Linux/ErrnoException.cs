using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>A system call failed. The message reads like the C tools': "mount /proc on /x/proc: No such device".</summary>
public sealed class ErrnoException : Exception
{
    public ErrnoException(string call, string? path, int errno)
        : base(Describe(call, path, errno))
    {
        Call = call;
        Path = path;
        Errno = errno;
    }

    /// <summary>The system call or libc function, e.g. "openat2".</summary>
    public string Call { get; }

    /// <summary>What the call worked on, when there is a path to show.</summary>
    public string? Path { get; }

    public int Errno { get; }

    /// <summary>e.g. "ENOENT".</summary>
    public string ErrnoName => Linux.Errno.Name(Errno);

    /// <summary>Builds the exception from the errno of the P/Invoke that just failed; call it before any other P/Invoke.</summary>
    public static ErrnoException FromLastError(string call, string? path = null) =>
        new(call, path, Marshal.GetLastPInvokeError());

    private static string Describe(string call, string? path, int errno)
    {
        string text = Marshal.GetPInvokeErrorMessage(errno);
        return path is null ? $"{call}: {text}" : $"{call} {path}: {text}";
    }
}
