using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Sandbox.Terminal;

/// <summary>
/// The init's side of `process.terminal`: a new pty from the container's own devpts becomes the process's controlling
/// terminal and stdio. The master goes back to the runtime (and on to the console socket); the process keeps the peer.
/// </summary>
public static class PtyAttacher
{
    /// <summary>The container's ptmx after pivot_root: its devpts instance, not the host's.</summary>
    private const string Ptmx = "/dev/ptmx";

    /// <returns>The master and the peer; the caller sends the master away and may bind the peer on /dev/console.</returns>
    public static (SafeFd Master, SafeFd Peer) Attach(ConsoleSize? size)
    {
        SafeFd master;
        try
        {
            master = Sys.OpenPtyMaster(Ptmx);
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException("process.terminal", $"cannot open a pty: {e.Message} (is devpts mounted on /dev/pts?)", e);
        }
        try
        {
            SafeFd peer = Sys.OpenPtyPeer(master);
            if (size is { } s)
                Sys.SetWindowSize(peer, (ushort)s.Height, (ushort)s.Width);
            Sys.Setsid();
            Sys.SetControllingTerminal(peer);
            for (int stdio = 0; stdio <= 2; stdio++)
                Sys.Dup2(peer, stdio);
            return (master, peer);
        }
        catch (ErrnoException e)
        {
            master.Dispose();
            throw new ContainerSetupException("process.terminal", e.Message, e);
        }
    }
}
