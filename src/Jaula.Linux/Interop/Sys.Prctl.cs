using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>prctl(2) operations on the calling process or thread.</summary>
public static partial class Sys
{
    private const int PR_SET_PDEATHSIG = 1;
    private const int PR_SET_DUMPABLE = 4;
    private const int PR_SET_KEEPCAPS = 8;
    private const int PR_CAPBSET_READ = 23;
    private const int PR_CAPBSET_DROP = 24;
    private const int PR_SET_CHILD_SUBREAPER = 36;
    private const int PR_SET_NO_NEW_PRIVS = 38;
    private const int PR_CAP_AMBIENT = 47;
    private const int PR_CAP_AMBIENT_RAISE = 2;
    private const int PR_CAP_AMBIENT_CLEAR_ALL = 4;

    private static partial class Libc
    {
        // Variadic in C; the unsigned long arguments travel in integer registers either way on x86_64.
        [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
        internal static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
    }

    private static int Prctl(int option, nuint arg2 = 0, nuint arg3 = 0) => Libc.Prctl(option, arg2, arg3, 0, 0);

    /// <summary>PR_SET_NO_NEW_PRIVS: execve can no longer grant privileges (setuid bits, file capabilities). Per thread.</summary>
    public static void SetNoNewPrivileges() => ThrowIfFailed(Prctl(PR_SET_NO_NEW_PRIVS, 1), "prctl(PR_SET_NO_NEW_PRIVS)");

    /// <summary>PR_SET_KEEPCAPS: keep the permitted capabilities across a switch away from uid 0. Per thread.</summary>
    public static void SetKeepCaps(bool on) => ThrowIfFailed(Prctl(PR_SET_KEEPCAPS, on ? 1u : 0u), "prctl(PR_SET_KEEPCAPS)");

    /// <summary>PR_SET_CHILD_SUBREAPER: orphaned descendants are re-parented to this process.</summary>
    public static void SetChildSubreaper() => ThrowIfFailed(Prctl(PR_SET_CHILD_SUBREAPER, 1), "prctl(PR_SET_CHILD_SUBREAPER)");

    public static void SetDumpable(bool on) => ThrowIfFailed(Prctl(PR_SET_DUMPABLE, on ? 1u : 0u), "prctl(PR_SET_DUMPABLE)");

    /// <summary>
    /// PR_SET_PDEATHSIG. The signal comes when the parent THREAD that created this process exits, not the parent
    /// process, and execve of a setuid binary clears it.
    /// </summary>
    public static void SetParentDeathSignal(int signal) =>
        ThrowIfFailed(Prctl(PR_SET_PDEATHSIG, (nuint)signal), "prctl(PR_SET_PDEATHSIG)");
}
