using Jaula.Linux;

namespace Jaula.Sandbox.Terminal;

/// <summary>
/// A foreground `run -t` or `exec -t` without a console socket: jaula itself joins its own stdio to the pty master,
/// with its terminal (if stdin is one) in raw mode for the duration, and window size changes passed on.
/// </summary>
public sealed class ForegroundTerminal(SafeFd master)
{
    private const int StdIn = 0;

    /// <summary>Copies until the process side closes (EIO or EOF on the master once every peer is closed).</summary>
    public void Run()
    {
        Sys.Termios? saved = Sys.IsATty(StdIn) ? Sys.MakeRaw(StdIn) : null;
        try
        {
            Resize();
            var input = new Thread(CopyInput) { IsBackground = true, Name = "jaula stdin to pty" };
            input.Start();
            CopyOutput();
        }
        finally
        {
            if (saved is { } termios)
                Sys.RestoreTerminal(StdIn, termios);
        }
    }

    /// <summary>SIGWINCH: the pty takes the size of our own terminal.</summary>
    public void Resize()
    {
        using var stdin = SafeFd.Borrow(StdIn);
        if (Sys.GetWindowSize(stdin) is { } size)
        {
            try
            {
                Sys.SetWindowSize(master, size.Rows, size.Cols);
            }
            catch (ErrnoException) { } // the process is gone: nothing to resize
        }
    }

    private void CopyInput()
    {
        using var stdin = SafeFd.Borrow(StdIn);
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = Sys.Read(stdin, buffer)) > 0)
                Sys.WriteAll(master, buffer.AsSpan(0, n));
        }
        catch (ErrnoException) { } // stdin or the pty went away: the output side decides when we are done
    }

    private void CopyOutput()
    {
        using var stdout = SafeFd.Borrow(1);
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = Sys.Read(master, buffer)) > 0)
                Sys.WriteAll(stdout, buffer.AsSpan(0, n));
        }
        catch (ErrnoException e) when (e.Errno == Errno.EIO) { } // every peer closed: the process has exited
    }
}
