using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>clock_gettime(CLOCK_BOOTTIME), the clock /proc/&lt;pid&gt;/stat's start time counts in.</summary>
public static partial class Sys
{
    private const int CLOCK_BOOTTIME = 7;

    /// <summary>USER_HZ: /proc's clock ticks (sysconf(_SC_CLK_TCK)), 100 on every Linux ABI.</summary>
    public const int ClockTicksPerSecond = 100;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
        internal static partial int ClockGettime(int clock, out Timespec time);
    }

    /// <summary>Nanoseconds since boot, suspend included (CLOCK_BOOTTIME).</summary>
    public static long BootTimeNanoseconds()
    {
        ThrowIfFailed(Libc.ClockGettime(CLOCK_BOOTTIME, out var t), "clock_gettime(CLOCK_BOOTTIME)");
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }
}
