using Jaula.Linux;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// CVE-2019-5736: a container process that can reach the init's /proc/&lt;pid&gt;/exe must not find the host's jaula
/// binary there, or it could overwrite it and run code on the host at the next jaula invocation. So the init is
/// never executed from the host path. The way (as runc 1.2 does): a read-only overlayfs whose only layers are the
/// binary's directory and an empty tmpfs, made with fsopen/fsconfig/fsmount as a detached mount (in no mount table:
/// nothing to unmount, it goes with its last reference), and the binary opened O_PATH through it. /proc/&lt;pid&gt;/exe
/// then names the overlay's file: opening it for writing fails with EROFS, and the overlay cannot be unwrapped to the
/// lower file. No copy is made; the page cache is shared. The layers are given as descriptors where the kernel
/// takes them (Linux 6.13's "lowerdir+" by fd), so neither needs a path; before that, as paths, the second being the
/// container's state directory. Where that is not possible (no overlayfs, an older kernel, no
/// CAP_SYS_ADMIN, the binary itself on an overlay too deep to stack) a copy in a sealed memfd is made instead.
/// </summary>
public static class SealedExecutable
{
    private const int AllSeals = Sys.F_SEAL_SEAL | Sys.F_SEAL_SHRINK | Sys.F_SEAL_GROW | Sys.F_SEAL_WRITE;

    /// <summary>
    /// A read-only, close-on-exec fd of jaula that is not the host file, for execveat(AT_EMPTY_PATH).
    /// <paramref name="stateDirectory"/> (the container's) is the overlay's second layer on kernels that take layers
    /// only as paths (before 6.13); it never shows, being below jaula's directory.
    /// </summary>
    public static SafeFd Create(IRuntimeLog log, string stateDirectory)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var exe = ThroughReadOnlyOverlay(stateDirectory);
            log.Debug($"jaula opened through a detached read-only overlay in {Elapsed(start):F2} ms");
            return exe;
        }
        catch (ErrnoException e)
        {
            log.Debug($"no read-only overlay for jaula ({e.Message}): making a sealed copy instead");
        }
        start = System.Diagnostics.Stopwatch.GetTimestamp();
        var copy = SealedCopy();
        log.Debug($"sealed copy of jaula made in {Elapsed(start):F2} ms");
        return copy;
    }

    /// <summary>jaula opened O_PATH through a detached read-only overlay of its directory.</summary>
    public static SafeFd ThroughReadOnlyOverlay(string stateDirectory)
    {
        string self = Sys.ReadLink("/proc/self/exe");
        string directory = Path.GetDirectoryName(self) ?? "/";
        string name = Path.GetFileName(self);
        // The layers' descriptors stay open until the superblock is made: closing a detached mount's last fd
        // dissolves it, and overlayfs then refuses the layer (EINVAL at FSCONFIG_CMD_CREATE).
        SafeFd? lower = null, empty = null;
        try
        {
            SafeFd context;
            try
            {
                context = Sys.FsOpen("overlay");
                try
                {
                    lower = Sys.Open(directory, OpenFlags.Path | OpenFlags.Directory | OpenFlags.CloExec);
                    Sys.FsConfigSetFd(context, "lowerdir+", lower);
                    // Without an upper layer overlayfs wants two lower ones. Made only once the kernel took a layer
                    // by descriptor: before 6.13 the call above fails and this tmpfs would be made for nothing.
                    empty = EmptyTmpfs();
                    Sys.FsConfigSetFd(context, "lowerdir+", empty);
                }
                catch
                {
                    context.Dispose();
                    throw;
                }
            }
            catch (ErrnoException e) when (e.Call == "fsconfig" && e.Errno is Errno.EINVAL or Errno.EOPNOTSUPP)
            {
                // Before Linux 6.13 "lowerdir+" takes no descriptor (EINVAL; before 6.5, overlayfs parsed its options
                // the legacy way: EOPNOTSUPP for a descriptor): layers by path.
                context = LayersByPath(directory, stateDirectory);
            }
            using (context)
            {
                try
                {
                    // Inode numbers do not matter here; xino on layers of two filesystems only logs to dmesg.
                    Sys.FsConfigSetString(context, "xino", "off");
                }
                catch (ErrnoException)
                {
                }
                Sys.FsConfigCreate(context);
                using var mount = Sys.FsMount(context, MountAttr.ReadOnly | MountAttr.NoSuid | MountAttr.NoDev);
                return Sys.OpenAt(mount, name, OpenFlags.Path | OpenFlags.NoFollow | OpenFlags.CloExec);
            }
        }
        finally
        {
            lower?.Dispose();
            empty?.Dispose();
        }
    }

    /// <summary>The layers as one "lowerdir" path list: jaula's directory over the container's state directory.</summary>
    private static SafeFd LayersByPath(string directory, string stateDirectory)
    {
        var context = Sys.FsOpen("overlay");
        try
        {
            Sys.FsConfigSetString(context, "lowerdir", $"{EscapeLayer(directory)}:{EscapeLayer(stateDirectory)}");
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>In overlayfs' lowerdir list ':' separates layers and '\' escapes.</summary>
    public static string EscapeLayer(string path) => path.Replace("\\", "\\\\").Replace(":", "\\:");

    private static SafeFd EmptyTmpfs()
    {
        using var context = Sys.FsOpen("tmpfs");
        Sys.FsConfigCreate(context);
        return Sys.FsMount(context, MountAttr.ReadOnly | MountAttr.NoSuid | MountAttr.NoDev | MountAttr.NoExec);
    }

    /// <summary>A read-only fd of a copy of /proc/self/exe in a memfd sealed against every change.</summary>
    public static SafeFd SealedCopy()
    {
        using var source = Sys.Open("/proc/self/exe", OpenFlags.ReadOnly | OpenFlags.CloExec);
        using var copy = Sys.MemfdCreate("jaula", Sys.MFD_CLOEXEC | Sys.MFD_ALLOW_SEALING | Sys.MFD_EXEC);
        Sys.CopyAll(source, copy);
        Sys.AddSeals(copy, AllSeals);
        // execve refuses a file someone holds open for writing (ETXTBSY): exec a read-only descriptor of the copy.
        return Sys.Open(copy.ProcPath, OpenFlags.ReadOnly | OpenFlags.CloExec);
    }

    private static double Elapsed(long start) => System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}
