using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>Pseudo-terminals (pty(7)), sessions and termios: what a process with `process.terminal` needs.</summary>
public static partial class Sys
{
    // x86_64 ioctl requests (asm-generic/ioctls.h).
    private const ulong TIOCSCTTY = 0x540E;
    private const ulong TIOCGWINSZ = 0x5413;
    private const ulong TIOCSWINSZ = 0x5414;
    private const ulong TIOCSPTLCK = 0x40045431;
    private const ulong TIOCGPTPEER = 0x5441;
    private const int TCSANOW = 0;

    /// <summary>glibc's struct termios is 60 bytes; it is only ever handed back to libc, so it stays opaque.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 64)]
    public struct Termios;

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows, Cols, XPixel, YPixel;
    }

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
        internal static partial int Ioctl(SafeFd fd, ulong request, nint argument);

        [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
        internal static partial int Setsid();

        [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
        internal static partial int Dup2(SafeFd fd, int target);

        [LibraryImport("libc", EntryPoint = "isatty")]
        internal static partial int IsATty(int fd);

        [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
        internal static unsafe partial int TcGetAttr(int fd, Termios* termios);

        [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
        internal static unsafe partial int TcSetAttr(int fd, int when, Termios* termios);

        [LibraryImport("libc", EntryPoint = "cfmakeraw")]
        internal static unsafe partial void CfMakeRaw(Termios* termios);
    }

    /// <summary>Opens a new pty master through a ptmx device (e.g. the container's /dev/ptmx) and unlocks its peer.</summary>
    public static unsafe SafeFd OpenPtyMaster(string ptmx)
    {
        SafeFd master = Open(ptmx, OpenFlags.ReadWrite | OpenFlags.NoCtty | OpenFlags.CloExec);
        int unlock = 0;
        if (Libc.Ioctl(master, TIOCSPTLCK, (nint)(&unlock)) < 0)
        {
            var error = ErrnoException.FromLastError("ioctl(TIOCSPTLCK)", ptmx);
            master.Dispose();
            throw error;
        }
        return master;
    }

    /// <summary>The peer of a master, opened through the master itself (TIOCGPTPEER): no path that could be swapped.</summary>
    public static SafeFd OpenPtyPeer(SafeFd master)
    {
        int fd = Libc.Ioctl(master, TIOCGPTPEER, (nint)(int)(OpenFlags.ReadWrite | OpenFlags.NoCtty | OpenFlags.CloExec));
        ThrowIfFailed(fd, "ioctl(TIOCGPTPEER)");
        return SafeFd.Own(fd);
    }

    public static unsafe void SetWindowSize(SafeFd terminal, ushort rows, ushort cols)
    {
        var size = new WinSize { Rows = rows, Cols = cols };
        ThrowIfFailed(Libc.Ioctl(terminal, TIOCSWINSZ, (nint)(&size)), "ioctl(TIOCSWINSZ)");
    }

    /// <summary>The size of the terminal on <paramref name="terminal"/>, or null when it is not one.</summary>
    public static unsafe (ushort Rows, ushort Cols)? GetWindowSize(SafeFd terminal)
    {
        WinSize size;
        return Libc.Ioctl(terminal, TIOCGWINSZ, (nint)(&size)) < 0 ? null : (size.Rows, size.Cols);
    }

    /// <summary>Makes the terminal the calling session leader's controlling terminal.</summary>
    public static void SetControllingTerminal(SafeFd terminal) =>
        ThrowIfFailed(Libc.Ioctl(terminal, TIOCSCTTY, 0), "ioctl(TIOCSCTTY)");

    public static void Setsid() => ThrowIfFailed(Libc.Setsid(), "setsid");

    /// <summary>dup2(2): <paramref name="target"/> becomes a copy of <paramref name="fd"/> (without close-on-exec).</summary>
    public static void Dup2(SafeFd fd, int target) => ThrowIfFailed(Libc.Dup2(fd, target), "dup2");

    public static bool IsATty(int fd) => Libc.IsATty(fd) == 1;

    /// <summary>Puts the terminal on <paramref name="fd"/> in raw mode and returns its previous settings to restore.</summary>
    public static unsafe Termios MakeRaw(int fd)
    {
        Termios saved, raw;
        ThrowIfFailed(Libc.TcGetAttr(fd, &saved), "tcgetattr");
        raw = saved;
        Libc.CfMakeRaw(&raw);
        ThrowIfFailed(Libc.TcSetAttr(fd, TCSANOW, &raw), "tcsetattr");
        return saved;
    }

    public static unsafe void RestoreTerminal(int fd, Termios saved) => Libc.TcSetAttr(fd, TCSANOW, &saved);
}
