namespace Jaula.Sandbox.Seccomp;

/// <summary>The SCMP_ACT_* names of config-linux.md as the 32-bit return values of a seccomp filter (linux/seccomp.h).</summary>
public static class SeccompActions
{
    public const uint KillThread = 0x00000000;
    public const uint KillProcess = 0x80000000;
    public const uint Trap = 0x00030000;
    public const uint Errno = 0x00050000;
    public const uint Trace = 0x7ff00000;
    public const uint Log = 0x7ffc0000;
    public const uint Allow = 0x7fff0000;
    public const uint Notify = 0x7fc00000;

    /// <summary>The errno of ERRNO and TRACE sits in the low 16 bits (SECCOMP_RET_DATA).</summary>
    public const uint MaxErrno = 0xffff;

    private const uint DefaultErrno = 1; // EPERM, as the spec says

    /// <summary>
    /// The filter value for <paramref name="name"/> with <paramref name="errnoRet"/> folded in, or null for a name
    /// that is no action. SCMP_ACT_KILL is KILL_THREAD, as in libseccomp.
    /// </summary>
    public static uint? Parse(string name, uint? errnoRet) => name switch
    {
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => KillThread,
        "SCMP_ACT_KILL_PROCESS" => KillProcess,
        "SCMP_ACT_TRAP" => Trap,
        "SCMP_ACT_ERRNO" => Errno | ((errnoRet ?? DefaultErrno) & MaxErrno),
        "SCMP_ACT_TRACE" => Trace | ((errnoRet ?? DefaultErrno) & MaxErrno),
        "SCMP_ACT_LOG" => Log,
        "SCMP_ACT_ALLOW" => Allow,
        "SCMP_ACT_NOTIFY" => Notify,
        _ => null,
    };
}
