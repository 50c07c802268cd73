using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>
/// Capability sets (capget/capset), the bounding set and the ambient set. All of these belong to the CALLING
/// THREAD, not the process: set them on the thread that will execve, and execve from it.
/// </summary>
public static partial class Sys
{
    private const uint LinuxCapabilityVersion3 = 0x20080522;

    /// <summary>The highest capability number a kernel could know: the sets are two 32-bit words.</summary>
    private const int MaxCapability = 63;

    [StructLayout(LayoutKind.Sequential)]
    private struct CapHeader
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    /// <summary>The calling thread's effective, permitted and inheritable sets, bit n = capability n.</summary>
    public static unsafe (ulong Effective, ulong Permitted, ulong Inheritable) CapGet()
    {
        var header = new CapHeader { Version = LinuxCapabilityVersion3 };
        CapData* data = stackalloc CapData[2];
        ThrowIfFailed(Syscall(SyscallNumber.Capget, (nint)(&header), (nint)data), "capget");
        return (Join(data[0].Effective, data[1].Effective), Join(data[0].Permitted, data[1].Permitted),
            Join(data[0].Inheritable, data[1].Inheritable));
    }

    /// <summary>capset(2) on the calling thread. Permitted can only shrink; effective must lie within permitted.</summary>
    public static unsafe void CapSet(ulong effective, ulong permitted, ulong inheritable)
    {
        var header = new CapHeader { Version = LinuxCapabilityVersion3 };
        CapData* data = stackalloc CapData[2];
        data[0] = new CapData { Effective = (uint)effective, Permitted = (uint)permitted, Inheritable = (uint)inheritable };
        data[1] = new CapData
        {
            Effective = (uint)(effective >> 32), Permitted = (uint)(permitted >> 32), Inheritable = (uint)(inheritable >> 32),
        };
        ThrowIfFailed(Syscall(SyscallNumber.Capset, (nint)(&header), (nint)data), "capset");
    }

    private static ulong Join(uint low, uint high) => low | ((ulong)high << 32);

    /// <summary>PR_CAPBSET_READ: is <paramref name="cap"/> in the calling thread's bounding set?</summary>
    public static bool CapBoundingHas(int cap)
    {
        int result = Prctl(PR_CAPBSET_READ, (nuint)cap);
        ThrowIfFailed(result, "prctl(PR_CAPBSET_READ)", CapText(cap));
        return result == 1;
    }

    /// <summary>The calling thread's bounding set as a mask (capabilities 0..<see cref="LastCap"/>).</summary>
    public static ulong CapBoundingSet()
    {
        ulong mask = 0;
        for (int cap = 0, last = LastCap(); cap <= last; cap++)
        {
            if (CapBoundingHas(cap))
                mask |= 1UL << cap;
        }
        return mask;
    }

    /// <summary>PR_CAPBSET_DROP (needs CAP_SETPCAP): the thread and what it execs can never regain <paramref name="cap"/>.</summary>
    public static void CapBoundingDrop(int cap) => ThrowIfFailed(Prctl(PR_CAPBSET_DROP, (nuint)cap), "prctl(PR_CAPBSET_DROP)", CapText(cap));

    public static void AmbientClearAll() =>
        ThrowIfFailed(Prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL), "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");

    /// <summary>Adds <paramref name="cap"/> to the ambient set; it must already be permitted and inheritable.</summary>
    public static void AmbientRaise(int cap) =>
        ThrowIfFailed(Prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (nuint)cap), "prctl(PR_CAP_AMBIENT_RAISE)", CapText(cap));

    private static int s_lastCap = -1;

    /// <summary>
    /// The highest capability this kernel knows. Read from /proc/sys/kernel/cap_last_cap, or, where /proc is not
    /// mounted, found by asking PR_CAPBSET_READ, which rejects unknown capabilities with EINVAL. Cached.
    /// </summary>
    public static int LastCap()
    {
        if (s_lastCap < 0)
            s_lastCap = ReadLastCap() ?? ProbeLastCap();
        return s_lastCap;
    }

    private static int? ReadLastCap()
    {
        try
        {
            string text = File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim();
            return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                out int last) && last <= MaxCapability ? last : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int ProbeLastCap()
    {
        int cap = 0;
        while (cap < MaxCapability && Prctl(PR_CAPBSET_READ, (nuint)(cap + 1)) >= 0)
            cap++;
        return cap;
    }

    private static string CapText(int cap) => $"capability {cap}";
}
