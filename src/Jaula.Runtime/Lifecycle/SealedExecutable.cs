using Jaula.Linux;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// CVE-2019-5736: a container process that can reach the init's /proc/&lt;pid&gt;/exe must not find the host's jaula
/// binary there, or it could overwrite it and run code on the host at the next jaula invocation. So the init is
/// executed from a copy in a memfd, sealed against every change, and opened read-only: /proc/&lt;pid&gt;/exe then
/// names an anonymous, immutable file. (The copy is made in the kernel with sendfile: ~2.3 ms for the ~6 MB binary,
/// measured with `jaula --debug create`; a memfd cannot be shared across invocations, so there is nothing to cache.)
/// </summary>
public static class SealedExecutable
{
    private const int AllSeals = Sys.F_SEAL_SEAL | Sys.F_SEAL_SHRINK | Sys.F_SEAL_GROW | Sys.F_SEAL_WRITE;

    /// <summary>A read-only, close-on-exec fd of a sealed copy of /proc/self/exe, for execveat(AT_EMPTY_PATH).</summary>
    public static SafeFd Create(IRuntimeLog log)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        using var source = Sys.Open("/proc/self/exe", OpenFlags.ReadOnly | OpenFlags.CloExec);
        using var copy = Sys.MemfdCreate("jaula", Sys.MFD_CLOEXEC | Sys.MFD_ALLOW_SEALING | Sys.MFD_EXEC);
        Sys.CopyAll(source, copy);
        Sys.AddSeals(copy, AllSeals);
        log.Debug($"sealed copy of jaula made in {System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds:F2} ms");
        // execve refuses a file someone holds open for writing (ETXTBSY): exec a read-only descriptor of the copy.
        return Sys.Open($"/proc/self/fd/{copy.Value}", OpenFlags.ReadOnly | OpenFlags.CloExec);
    }
}
