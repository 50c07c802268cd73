using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>sched_setattr(2), sched_setaffinity(2) and ioprio_set(2): scheduling of the calling thread.</summary>
public static partial class Sys
{
    private const long SchedSetattrNumber = 314;
    private const long IoprioSetNumber = 251;
    private const int IOPRIO_WHO_PROCESS = 1;

    /// <summary>struct sched_attr, SCHED_ATTR_SIZE_VER0 (48 bytes: no utilization clamps).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SchedAttr
    {
        public uint Size;
        public uint Policy;
        public ulong Flags;
        public int Nice;
        public uint Priority;
        public ulong Runtime;
        public ulong Deadline;
        public ulong Period;
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static unsafe partial int SchedSetAffinityNative(int pid, nuint size, ulong* mask);

    /// <summary>sched_setattr(0, attr, 0): the calling thread (the one that will execve).</summary>
    public static unsafe void SchedSetattr(SchedAttr attr)
    {
        attr.Size = (uint)sizeof(SchedAttr);
        ThrowIfFailed(Syscall(SchedSetattrNumber, 0, (nint)(&attr), 0), "sched_setattr");
    }

    /// <summary>ioprio_set(IOPRIO_WHO_PROCESS, 0, class &lt;&lt; 13 | level) for the calling thread.</summary>
    public static void IoprioSet(int ioClass, int level) =>
        ThrowIfFailed(Syscall(IoprioSetNumber, IOPRIO_WHO_PROCESS, 0, (ioClass << 13) | level), "ioprio_set");

    /// <summary>sched_setaffinity(0, ...) for the calling thread; <paramref name="mask"/> holds one bit per CPU.</summary>
    public static void SchedSetAffinity(ulong[] mask) => SchedSetAffinity(0, mask);

    /// <summary>sched_setaffinity(tid, ...): another thread, e.g. a child's main thread (its pid).</summary>
    public static unsafe void SchedSetAffinity(int tid, ulong[] mask)
    {
        fixed (ulong* p = mask)
            ThrowIfFailed(SchedSetAffinityNative(tid, (nuint)(mask.Length * sizeof(ulong)), p), "sched_setaffinity", $"thread {tid}");
    }
}
