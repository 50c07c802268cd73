using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>Process ids, signals to processes, waiting, execve, and the UTS names.</summary>
public static partial class Sys
{
    private const int WNOHANG = 1;

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "getpid")]
        internal static partial int GetPid();

        [LibraryImport("libc", EntryPoint = "gettid")]
        internal static partial int GetTid();

        [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        internal static partial int Kill(int pid, int signal);

        [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
        internal static unsafe partial int WaitPid(int pid, int* status, int options);

        [LibraryImport("libc", EntryPoint = "execve", SetLastError = true)]
        internal static unsafe partial int Execve(byte* path, byte** argv, byte** envp);

        [LibraryImport("libc", EntryPoint = "sethostname", SetLastError = true)]
        internal static unsafe partial int Sethostname(byte* name, nuint length);

        [LibraryImport("libc", EntryPoint = "setdomainname", SetLastError = true)]
        internal static unsafe partial int Setdomainname(byte* name, nuint length);
    }

    public static int GetPid() => Libc.GetPid();

    /// <summary>The calling thread's id (capabilities, LSM exec labels and seccomp filters are per thread).</summary>
    public static int GetTid() => Libc.GetTid();

    public static void Kill(int pid, int signal) => ThrowIfFailed(Libc.Kill(pid, signal), "kill", $"pid {pid}");

    /// <summary>kill(2) without throwing: 0 or the errno (ESRCH when the process is gone).</summary>
    public static int TryKill(int pid, int signal) => Libc.Kill(pid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>pidfd_open(2): a descriptor that keeps naming this process even after its pid is reused.</summary>
    public static SafeFd PidfdOpen(int pid)
    {
        long fd = Syscall(SyscallNumber.PidfdOpen, pid, 0);
        ThrowIfFailed(fd, "pidfd_open", $"pid {pid}");
        return SafeFd.Own((int)fd);
    }

    public static void PidfdSendSignal(SafeFd pidfd, int signal)
    {
        int errno = TryPidfdSendSignal(pidfd, signal);
        if (errno != 0)
            throw new ErrnoException("pidfd_send_signal", null, errno);
    }

    /// <summary>
    /// pidfd_getfd(2): a close-on-exec copy of descriptor <paramref name="targetFd"/> of the process behind
    /// <paramref name="pidfd"/> (needs ptrace access to it).
    /// </summary>
    public static SafeFd PidfdGetFd(SafeFd pidfd, int targetFd)
    {
        using var fd = new BorrowedFd(pidfd);
        long copy = Syscall(SyscallNumber.PidfdGetfd, fd.Value, targetFd, 0);
        ThrowIfFailed(copy, "pidfd_getfd", $"fd {targetFd}");
        return SafeFd.Own((int)copy);
    }

    /// <summary>pidfd_send_signal(2) without throwing: 0 or the errno (ESRCH once the process has exited).</summary>
    public static int TryPidfdSendSignal(SafeFd pidfd, int signal)
    {
        using var fd = new BorrowedFd(pidfd);
        return Syscall(SyscallNumber.PidfdSendSignal, fd.Value, signal, 0, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// Waits for the child <paramref name="pid"/> to terminate and reaps it. Returns its status the way a shell
    /// reports it: the exit code, or 128 + the signal number when a signal killed it.
    /// </summary>
    public static unsafe int WaitForExit(int pid)
    {
        int status;
        while (Libc.WaitPid(pid, &status, 0) < 0)
        {
            if (Marshal.GetLastPInvokeError() != Errno.EINTR)
                throw ErrnoException.FromLastError("waitpid", $"pid {pid}");
        }
        return ShellStatus(status);
    }

    /// <summary>
    /// Reaps the child <paramref name="pid"/> if it has terminated (WNOHANG): true with its shell-style status, or
    /// false while it still runs. Throws ECHILD when it is not (or no longer) a child of this process.
    /// </summary>
    public static unsafe bool TryReap(int pid, out int status)
    {
        int raw;
        int result;
        while ((result = Libc.WaitPid(pid, &raw, WNOHANG)) < 0)
        {
            if (Marshal.GetLastPInvokeError() != Errno.EINTR)
                throw ErrnoException.FromLastError("waitpid", $"pid {pid}");
        }
        status = result == 0 ? 0 : ShellStatus(raw);
        return result != 0;
    }

    /// <summary>Decodes a wait status: WIFEXITED gives WEXITSTATUS, WIFSIGNALED gives 128 + WTERMSIG.</summary>
    public static int ShellStatus(int waitStatus)
    {
        int signal = waitStatus & 0x7F;
        return signal == 0 ? (waitStatus >> 8) & 0xFF : 128 + signal;
    }

    /// <summary>
    /// execve(2). Returns only by throwing. The capability sets, no_new_privs and the parent-death signal are
    /// per-thread: set them on the thread that calls this.
    /// </summary>
    public static unsafe void Execve(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp)
    {
        using var strings = new NativeStringArrays();
        byte* file = strings.Add(path);
        byte** args = strings.AddArray(argv);
        byte** env = strings.AddArray(envp);
        Libc.Execve(file, args, env);
        throw ErrnoException.FromLastError("execve", path);
    }

    public static unsafe void Sethostname(string name)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes)
            ThrowIfFailed(Libc.Sethostname(p, (nuint)bytes.Length), "sethostname", name);
    }

    public static unsafe void Setdomainname(string name)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes)
            ThrowIfFailed(Libc.Setdomainname(p, (nuint)bytes.Length), "setdomainname", name);
    }
}
