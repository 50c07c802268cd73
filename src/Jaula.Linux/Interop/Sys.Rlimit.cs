using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>Resource limits of this process, through prlimit (64-bit limits, process-wide).</summary>
public static partial class Sys
{
    /// <summary>RLIM_INFINITY.</summary>
    public const ulong Infinity = ulong.MaxValue;

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit64
    {
        public ulong Soft;
        public ulong Hard;
    }

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "prlimit", SetLastError = true)]
        internal static unsafe partial int Prlimit(int pid, int resource, Rlimit64* newLimit, Rlimit64* oldLimit);
    }

    /// <summary>The current soft and hard limit of <paramref name="resource"/> (an RLIMIT_* number).</summary>
    public static unsafe (ulong Soft, ulong Hard) GetRlimit(int resource)
    {
        Rlimit64 limit;
        ThrowIfFailed(Libc.Prlimit(0, resource, null, &limit), "getrlimit", $"resource {resource}");
        return (limit.Soft, limit.Hard);
    }

    /// <summary>Sets both limits; raising the hard limit needs CAP_SYS_RESOURCE (EPERM otherwise).</summary>
    public static unsafe void SetRlimit(int resource, ulong soft, ulong hard)
    {
        var limit = new Rlimit64 { Soft = soft, Hard = hard };
        ThrowIfFailed(Libc.Prlimit(0, resource, &limit, null), "setrlimit", $"resource {resource}");
    }
}
