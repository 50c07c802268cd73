using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>What <see cref="Sys.Spawn"/> starts: a path and an argv that may differ (argv[0] is the caller's choice).</summary>
public sealed class SpawnRequest
{
    public required string Path { get; init; }
    public required IReadOnlyList<string> Argv { get; init; }
    public required IReadOnlyList<string> Env { get; init; }
    public required SafeFd Stdin { get; init; }
    public required SafeFd Stdout { get; init; }
    public required SafeFd Stderr { get; init; }

    /// <summary>Placed on fd 3 in the child (e.g. an executable opened elsewhere and run as /proc/self/fd/3).</summary>
    public SafeFd? Fd3 { get; init; }
}

/// <summary>
/// posix_spawn(3): glibc forks and execs in native code (clone with CLONE_VFORK), so no managed code runs in the
/// child. Unlike System.Diagnostics.Process it keeps argv[0] apart from the path (Docker's
/// "libnetwork-setkey" hook is /proc/&lt;pid&gt;/exe re-executed under another argv[0]), resets every signal to its
/// default (.NET ignores SIGPIPE), passes only stdio (and fd 3 when asked), and puts the child in a process group of
/// its own, so a timeout can kill whatever it started too.
/// </summary>
public static partial class Sys
{
    private const short POSIX_SPAWN_SETPGROUP = 0x02;
    private const short POSIX_SPAWN_SETSIGDEF = 0x04;
    private const short POSIX_SPAWN_SETSIGMASK = 0x08;

    /// <summary>Generous upper bounds of glibc's posix_spawn_file_actions_t (80 bytes), posix_spawnattr_t (336), sigset_t (128).</summary>
    private const int FileActionsSize = 256;
    private const int SpawnAttrSize = 512;
    private const int SigSetSize = 128;

    private const int O_NONBLOCK = 0x800;
    private const int F_GETFL = 3;
    private const int F_SETFL = 4;

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "posix_spawn")]
        internal static unsafe partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

        [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
        internal static unsafe partial int FileActionsInit(void* actions);

        [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
        internal static unsafe partial int FileActionsDestroy(void* actions);

        [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
        internal static unsafe partial int FileActionsAddDup2(void* actions, int fd, int newFd);

        [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
        internal static unsafe partial int FileActionsAddCloseFrom(void* actions, int from);

        [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
        internal static unsafe partial int SpawnAttrInit(void* attr);

        [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
        internal static unsafe partial int SpawnAttrDestroy(void* attr);

        [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
        internal static unsafe partial int SpawnAttrSetFlags(void* attr, short flags);

        [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
        internal static unsafe partial int SpawnAttrSetSigDefault(void* attr, void* sigset);

        [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
        internal static unsafe partial int SpawnAttrSetSigMask(void* attr, void* sigset);

        [LibraryImport("libc", EntryPoint = "posix_spawnattr_setpgroup")]
        internal static unsafe partial int SpawnAttrSetPgroup(void* attr, int pgroup);

        [LibraryImport("libc", EntryPoint = "sigfillset")]
        internal static unsafe partial int SigFillSet(void* set);

        [LibraryImport("libc", EntryPoint = "sigemptyset")]
        internal static unsafe partial int SigEmptySet(void* set);

        [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
        internal static unsafe partial int Pipe2(int* fds, int flags);

        [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
        internal static unsafe partial nint WriteRaw(int fd, byte* buffer, nuint count);
    }

    /// <summary>Starts the program; returns its pid (a child of this process, to be reaped with WaitForExit).</summary>
    public static unsafe int Spawn(SpawnRequest request)
    {
        using var strings = new NativeStringArrays();
        byte* path = strings.Add(request.Path);
        byte** argv = strings.AddArray(request.Argv);
        byte** envp = strings.AddArray(request.Env);
        byte* actions = stackalloc byte[FileActionsSize];
        byte* attr = stackalloc byte[SpawnAttrSize];
        byte* all = stackalloc byte[SigSetSize];
        byte* none = stackalloc byte[SigSetSize];
        Libc.SigFillSet(all);
        Libc.SigEmptySet(none);
        SpawnCheck(Libc.FileActionsInit(actions), "posix_spawn_file_actions_init");
        SpawnCheck(Libc.SpawnAttrInit(attr), "posix_spawnattr_init");
        try
        {
            // The sources are our own close-on-exec descriptors (>= 3); dup2 leaves the copies inheritable.
            SpawnCheck(Libc.FileActionsAddDup2(actions, request.Stdin.Value, 0), "posix_spawn_file_actions_adddup2");
            SpawnCheck(Libc.FileActionsAddDup2(actions, request.Stdout.Value, 1), "posix_spawn_file_actions_adddup2");
            SpawnCheck(Libc.FileActionsAddDup2(actions, request.Stderr.Value, 2), "posix_spawn_file_actions_adddup2");
            if (request.Fd3 is { } fd3)
                SpawnCheck(Libc.FileActionsAddDup2(actions, fd3.Value, 3), "posix_spawn_file_actions_adddup2");
            SpawnCheck(Libc.FileActionsAddCloseFrom(actions, request.Fd3 is null ? 3 : 4), "posix_spawn_file_actions_addclosefrom_np");
            SpawnCheck(Libc.SpawnAttrSetFlags(attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags");
            SpawnCheck(Libc.SpawnAttrSetSigDefault(attr, all), "posix_spawnattr_setsigdefault");
            SpawnCheck(Libc.SpawnAttrSetSigMask(attr, none), "posix_spawnattr_setsigmask");
            SpawnCheck(Libc.SpawnAttrSetPgroup(attr, 0), "posix_spawnattr_setpgroup");
            int pid;
            int error = Libc.PosixSpawn(&pid, path, actions, attr, argv, envp);
            if (error != 0)
                throw new ErrnoException("posix_spawn", request.Path, error);
            return pid;
        }
        finally
        {
            Libc.FileActionsDestroy(actions);
            Libc.SpawnAttrDestroy(attr);
        }
    }

    private static void SpawnCheck(int error, string call)
    {
        if (error != 0)
            throw new ErrnoException(call, null, error);
    }

    /// <summary>pipe2(O_CLOEXEC): (read end, write end).</summary>
    public static unsafe (SafeFd Read, SafeFd Write) Pipe()
    {
        int* fds = stackalloc int[2];
        ThrowIfFailed(Libc.Pipe2(fds, (int)OpenFlags.CloExec), "pipe2");
        return (SafeFd.Own(fds[0]), SafeFd.Own(fds[1]));
    }

    /// <summary>Sets O_NONBLOCK on this end only (the other end of a pipe is a separate open file).</summary>
    public static void SetNonBlocking(SafeFd fd)
    {
        int flags = Libc.Fcntl(fd.Value, F_GETFL, 0);
        ThrowIfFailed(flags, "fcntl(F_GETFL)");
        ThrowIfFailed(Libc.Fcntl(fd.Value, F_SETFL, flags | O_NONBLOCK), "fcntl(F_SETFL)");
    }

    /// <summary>write(2) on a non-blocking fd: the byte count, -1 when it would block; EPIPE is thrown like any errno.</summary>
    public static unsafe int WriteNonBlocking(SafeFd fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = Libc.WriteRaw(fd.Value, p, (nuint)buffer.Length);
                if (n >= 0)
                    return (int)n;
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EAGAIN)
                    return -1;
                if (errno != Errno.EINTR)
                    throw new ErrnoException("write", null, errno);
            }
        }
    }
}
