using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox;
using Jaula.Sandbox.Terminal;

namespace Jaula.Runtime.Checkpoint;

/// <summary>
/// The terminal a restore hands criu on its stdin, for criu's shell-job restore of a pty whose master was outside
/// the dump. With --console-socket (a container with process.terminal): a new pty, whose peer criu gives the restored
/// process and binds on /dev/console, and whose master goes to the socket once the restore succeeded (runc sends the
/// master criu's orphan-pts-master notice carries, the same end result). With --shell-job alone: the caller's own
/// stdin. Otherwise nothing (criu's stdin is /dev/null).
/// </summary>
public sealed class RestoreTerminal : IDisposable
{
    private const string HostPtmx = "/dev/ptmx";

    private readonly SafeFd? _master;

    private RestoreTerminal(SafeFd? master, SafeFd? criuStdin, string? consolePath)
    {
        _master = master;
        CriuStdin = criuStdin;
        ConsolePath = consolePath;
    }

    /// <summary>criu's stdin, or null for /dev/null.</summary>
    public SafeFd? CriuStdin { get; }

    /// <summary>The path of the restored process's terminal, for its /dev/console; null without process.terminal.</summary>
    public string? ConsolePath { get; }

    public static RestoreTerminal Open(Spec spec, RestoreOptions options)
    {
        bool terminal = spec.Process?.Terminal == true;
        if (options.ConsoleSocket is not null && !terminal)
            throw JaulaException.ForField("process.terminal", "--console-socket is given but process.terminal is false: the restored container has no terminal to send");
        if (terminal && options.ConsoleSocket is not null)
            return NewPty();
        if (terminal && !options.ShellJob)
            throw JaulaException.ForField("process.terminal",
                "restoring a container with its own terminal needs --console-socket (the master of a new pty goes there) or --shell-job (the caller's terminal)");
        if (!options.ShellJob)
            return new RestoreTerminal(null, null, null);
        // criu gives a restored shell job the terminal on its stdin (only used when the images hold one).
        if (terminal && !Sys.IsATty(0))
            throw JaulaException.ForField("process.terminal", "--shell-job: restore's stdin is not a terminal, and the container's own terminal is restored on it");
        return new RestoreTerminal(null, SafeFd.Borrow(0), terminal ? PathOf(0) : null);
    }

    /// <summary>Sends the new pty's master to the console socket (no-op without one).</summary>
    public void SendMaster(string? consoleSocket)
    {
        if (_master is null || consoleSocket is null)
            return;
        try
        {
            ConsoleSocket.SendMaster(consoleSocket, _master);
        }
        catch (ContainerSetupException e)
        {
            throw JaulaException.ForField("--console-socket", e.Message, e);
        }
    }

    public void Dispose()
    {
        _master?.Dispose();
        CriuStdin?.Dispose();
    }

    private static RestoreTerminal NewPty()
    {
        SafeFd master;
        try
        {
            master = Sys.OpenPtyMaster(HostPtmx);
        }
        catch (ErrnoException e)
        {
            throw JaulaException.ForField("process.terminal", $"cannot open a pty for the restored container: {e.Message}", e);
        }
        try
        {
            SafeFd peer = Sys.OpenPtyPeer(master);
            return new RestoreTerminal(master, peer, PathOf(peer.Value));
        }
        catch (ErrnoException e)
        {
            master.Dispose();
            throw JaulaException.ForField("process.terminal", $"cannot open the peer of a new pty: {e.Message}", e);
        }
    }

    /// <summary>The terminal's path as this process sees it (criu binds it on the container's /dev/console).</summary>
    private static string PathOf(int fd) => Sys.ReadLink(SafeFd.ProcPathOf(fd));
}
