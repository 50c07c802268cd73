using System.Text;
using Jaula.Linux;

namespace Jaula.Sandbox.Process;

/// <summary>
/// CVE-2025-52881 / CVE-2019-16884 / CVE-2019-19921: jaula's own writes under /proc (sysctl, oom_score_adj, LSM
/// labels) must reach procfs, not a file the config or image mounted or linked over the target. So /proc is opened
/// and checked to be procfs (fstatfs), and the file is resolved beneath it with openat2 refusing any mount crossing
/// (a bind over the file or a directory on the way), symlinks and magic links.
/// </summary>
public static class ProcfsFile
{
    private const ResolveFlags Strict = ResolveFlags.Beneath | ResolveFlags.NoXdev | ResolveFlags.NoSymlinks | ResolveFlags.NoMagicLinks;

    /// <param name="relative">A path under /proc without links, e.g. "sys/kernel/domainname" or "12/oom_score_adj".</param>
    public static void Write(string relative, string value)
    {
        using var proc = Sys.Open("/proc", OpenFlags.Path | OpenFlags.Directory | OpenFlags.CloExec);
        if (Sys.FstatfsType(proc) != Sys.PROC_SUPER_MAGIC)
            throw new ErrnoException("fstatfs", "/proc (not procfs)", Errno.EXDEV);
        using var fd = Sys.OpenAt2(proc, relative, OpenFlags.WriteOnly | OpenFlags.CloExec, Strict);
        Sys.WriteAll(fd, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>The calling process's own directory, named by pid (/proc/self is a symlink, which Write refuses).</summary>
    public static string Self => Sys.GetPid().ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The calling thread's directory, "&lt;pid&gt;/task/&lt;tid&gt;" (/proc/thread-self is a symlink).</summary>
    public static string ThreadSelf => $"{Self}/task/{Sys.GetTid().ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
