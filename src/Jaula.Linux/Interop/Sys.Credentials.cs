using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>
/// User and group ids. The kernel changes credentials per thread; glibc's setresuid/setresgid/setgroups wrappers
/// apply the change to every thread of the process (the .NET runtime has several), so these go through them and
/// never through raw syscalls.
/// </summary>
public static partial class Sys
{
    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "setresuid", SetLastError = true)]
        internal static partial int SetResUid(uint r, uint e, uint s);

        [LibraryImport("libc", EntryPoint = "setresgid", SetLastError = true)]
        internal static partial int SetResGid(uint r, uint e, uint s);

        [LibraryImport("libc", EntryPoint = "setgroups", SetLastError = true)]
        internal static unsafe partial int SetGroups(nuint count, uint* gids);

        [LibraryImport("libc", EntryPoint = "getuid")]
        internal static partial uint GetUid();

        [LibraryImport("libc", EntryPoint = "geteuid")]
        internal static partial uint GetEuid();

        [LibraryImport("libc", EntryPoint = "getgid")]
        internal static partial uint GetGid();
    }

    public static void SetResUid(uint r, uint e, uint s) => ThrowIfFailed(Libc.SetResUid(r, e, s), "setresuid", $"{r}/{e}/{s}");

    public static void SetResGid(uint r, uint e, uint s) => ThrowIfFailed(Libc.SetResGid(r, e, s), "setresgid", $"{r}/{e}/{s}");

    /// <summary>setgroups(2): the supplementary groups; an empty list clears them.</summary>
    public static unsafe void SetGroups(IReadOnlyList<uint> gids)
    {
        uint[] copy = [.. gids];
        fixed (uint* p = copy)
            ThrowIfFailed(Libc.SetGroups((nuint)copy.Length, p), "setgroups");
    }

    public static uint GetUid() => Libc.GetUid();

    public static uint GetEuid() => Libc.GetEuid();

    public static uint GetGid() => Libc.GetGid();
}
