using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>What the C stage needs to clone the init (see native/stage.h).</summary>
public sealed class InitSpawnRequest
{
    /// <summary>CLONE_NEW* namespaces created by clone3 itself.</summary>
    public int CloneFlags { get; init; }

    /// <summary>CLONE_NEWCGROUP / CLONE_NEWTIME, unshared by the child once the parent has placed it.</summary>
    public int UnshareFlags { get; init; }

    public required SafeFd SyncFd { get; init; }

    /// <summary>Our end of the sync socket: the child closes its copy, so our death reads as end-of-file there.</summary>
    public SafeFd? ParentSyncFd { get; init; }
    public SafeFd? FifoFd { get; init; }
    public required SafeFd ExeFd { get; init; }
    public int PreserveFds { get; init; }
    public bool BecomeRoot { get; init; }
    public IReadOnlyList<(int NsType, SafeFd Fd)> Joins { get; init; } = [];
    public string? TimeOffsets { get; init; }
    public required IReadOnlyList<string> Argv { get; init; }
    public required IReadOnlyList<string> Env { get; init; }

    /// <summary>
    /// The child joins the pid namespace itself (after the user namespace, whose privilege it needs) and clones the
    /// init as our child; the parent then receives its pidfd in a PIDFD frame. For callers without CAP_SYS_ADMIN.
    /// </summary>
    public bool PidJoinInChild { get; init; }

    /// <summary>A cgroup v2 directory (opened O_DIRECTORY) for clone3 to start the child in, or null.</summary>
    public SafeFd? CgroupFd { get; init; }

    /// <summary>
    /// cgroup v1 `tasks` files opened for writing: the child writes "0" to each before anything else (see
    /// native/stage.h for why the child moves itself). At most <see cref="InitStage.MaxCgroupTasks"/>.
    /// </summary>
    public IReadOnlyList<SafeFd> CgroupTasks { get; init; } = [];

    /// <summary>Their paths (same order), for the child's error; empty for none.</summary>
    public IReadOnlyList<string> CgroupTaskPaths { get; init; } = [];
}

/// <summary>The cloned init: its host pid and a pidfd for race-free signalling and waiting.</summary>
public sealed record SpawnedInit(int Pid, SafeFd PidFd)
{
    /// <summary>Whether clone3 started it inside the cgroup it was given.</summary>
    public CgroupBirth CgroupBirth { get; init; } = CgroupBirth.NotAsked;

    /// <summary>SIGKILL through the pidfd, then reap; safe when it is already dead or already reaped.</summary>
    public void KillAndReap()
    {
        Sys.TryPidfdSendSignal(PidFd, Signals.SIGKILL);
        try
        {
            Sys.WaitForExit(Pid);
        }
        catch (ErrnoException e) when (e.Errno == Errno.ECHILD) { }
    }
}

/// <summary>
/// Calls the C stage, which clones the init and execs `jaula init` in its namespaces. Only the AOT binary links the
/// stage (libjaulastage.a, DirectPInvoke); under the JIT this throws DllNotFoundException.
/// </summary>
public static unsafe partial class InitStage
{
    public const int MaxJoins = 8;
    public const int MaxCgroupTasks = 16;

    /// <summary>Where the stage puts the sync socket in the child: right after the preserved fds 3.. (native/stage.h).</summary>
    public static int SyncFdOf(int preserveFds) => 3 + preserveFds;

    /// <summary>Mirror of struct jaula_spawn_request; keep the layouts in step.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct NativeRequest
    {
        public ulong CloneFlags;
        public ulong UnshareFlags;
        public int SyncFd;
        public int FifoFd;
        public int ExeFd;
        public int PreserveFds;
        public int BecomeRoot;
        public int JoinCount;
        public fixed int Joins[MaxJoins * 2];
        public byte* TimeOffsets;
        public byte** Argv;
        public byte** Envp;
        public int PidJoinInChild;
        public int CgroupFd;
        public int ParentSyncFd;
        public int CgroupTaskCount;
        public fixed int CgroupTasks[MaxCgroupTasks];
        public byte** CgroupTaskPaths;
    }

    [LibraryImport("libjaulastage", EntryPoint = "jaula_spawn")]
    private static partial int NativeSpawn(NativeRequest* request, int* pid, int* pidfd, int* cgroupErr);

    [LibraryImport("libjaulastage", EntryPoint = "jaula_spawn_userns_holder")]
    private static partial int NativeSpawnUserNamespaceHolder(int* pid, int* pidfd);

    /// <summary>A child that only holds a new user namespace (no maps yet) until it is killed and reaped.</summary>
    public static SpawnedInit SpawnUserNamespaceHolder()
    {
        int pid, pidfd;
        int rc = NativeSpawnUserNamespaceHolder(&pid, &pidfd);
        if (rc < 0)
            throw new ErrnoException("clone3", "user namespace holder", -rc);
        return new SpawnedInit(pid, SafeFd.Own(pidfd));
    }

    public static SpawnedInit Spawn(InitSpawnRequest request)
    {
        if (request.Joins.Count > MaxJoins)
            throw new ArgumentException($"at most {MaxJoins} namespaces can be joined", nameof(request));
        if (request.CgroupTasks.Count > MaxCgroupTasks)
            throw new ArgumentException($"at most {MaxCgroupTasks} cgroup tasks files", nameof(request));

        var native = new NativeRequest
        {
            CloneFlags = (uint)request.CloneFlags,
            UnshareFlags = (uint)request.UnshareFlags,
            SyncFd = request.SyncFd.Value,
            FifoFd = request.FifoFd?.Value ?? -1,
            ExeFd = request.ExeFd.Value,
            PreserveFds = request.PreserveFds,
            BecomeRoot = request.BecomeRoot ? 1 : 0,
            PidJoinInChild = request.PidJoinInChild ? 1 : 0,
            CgroupFd = request.CgroupFd?.Value ?? -1,
            ParentSyncFd = request.ParentSyncFd?.Value ?? -1,
            JoinCount = request.Joins.Count,
            CgroupTaskCount = request.CgroupTasks.Count,
        };
        for (int i = 0; i < request.CgroupTasks.Count; i++)
            native.CgroupTasks[i] = request.CgroupTasks[i].Value;
        for (int i = 0; i < request.Joins.Count; i++)
        {
            native.Joins[2 * i] = request.Joins[i].NsType;
            native.Joins[2 * i + 1] = request.Joins[i].Fd.Value;
        }

        using var strings = new NativeStringArrays();
        native.TimeOffsets = request.TimeOffsets is null ? null : strings.Add(request.TimeOffsets);
        native.Argv = strings.AddArray(request.Argv);
        native.Envp = strings.AddArray(request.Env);
        native.CgroupTaskPaths = request.CgroupTaskPaths.Count == request.CgroupTasks.Count && request.CgroupTasks.Count > 0
            ? strings.AddArray(request.CgroupTaskPaths) : null;

        int pid, pidfd, cgroupErr;
        int rc = NativeSpawn(&native, &pid, &pidfd, &cgroupErr);
        GC.KeepAlive(request);
        if (rc < 0)
            throw new ErrnoException("clone3", "init", -rc);
        return new SpawnedInit(pid, SafeFd.Own(pidfd)) { CgroupBirth = CgroupBirth.FromStage(cgroupErr) };
    }
}
