using Jaula.Linux;

namespace Jaula.Sandbox.Terminal;

/// <summary>
/// The container's /dev/console is its pty peer, bound by descriptor (the peer came from TIOCGPTPEER, the target is
/// opened inside the root without following links), so no path in the image can redirect the bind (CVE-2025-52565).
/// </summary>
public static class ConsoleMount
{
    public static void Bind(SafeFd peer)
    {
        try
        {
            using SafeFd root = Sys.Open("/", OpenFlags.Path | OpenFlags.Directory | OpenFlags.CloExec);
            using SafeFd target = RootfsInterop.OpenFile(root, "/dev/console"); // the rootfs executor's in-root open
            Sys.Mount(peer.ProcPath, target.ProcPath, null, MountFlags.Bind, null);
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException("process.terminal", $"cannot bind the pty on /dev/console: {e.Message}", e);
        }
    }
}
