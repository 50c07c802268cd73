namespace Jaula.Runtime.Sync;

/// <summary>Message kinds on the sync socket between the parent, the C stage and the init. Values match native/stage.h.</summary>
public enum FrameType : uint
{
    /// <summary>Parent to C stage: ID maps written, cgroup placed; continue.</summary>
    Go = 1,

    /// <summary>Parent to init: the validated <see cref="InitPlan"/> as JSON.</summary>
    Plan = 2,

    /// <summary>Init to parent: set up and waiting on the exec fifo.</summary>
    Ready = 3,

    /// <summary>C stage or init to parent: an <see cref="InitError"/> as JSON; the sender exits after it.</summary>
    Error = 4,

    /// <summary>
    /// Either way: a piece of a message larger than one frame (<see cref="SyncChannel.MaxPayload"/>); the pieces follow
    /// each other and the message's own type comes with its last piece.
    /// </summary>
    Continued = 12,

    /// <summary>Init to parent: UTF-8 text of something skipped; the parent logs it and keeps waiting.</summary>
    Warning = 5,

    /// <summary>Init to parent: the pty master of a process with a terminal, as an SCM_RIGHTS descriptor.</summary>
    Console = 6,

    /// <summary>Init to parent: mounts done, pivot_root next; run prestart and createRuntime hooks now.</summary>
    HooksDue = 20,

    /// <summary>Parent to init: the executable of one createContainer hook (payload: its index), fd attached.</summary>
    HookExecutable = 21,

    /// <summary>Parent to init: the runtime-namespace hooks succeeded; run the createContainer hooks and go on.</summary>
    HooksDone = 22,

    /// <summary>C stage to parent: the user namespace was made after the joins; write the maps to the sender, then GO.</summary>
    UserNamespace = 8,

    /// <summary>C stage to parent: the init, cloned as our child after the user namespace, as a pidfd; the sender exits.</summary>
    InitPidfd = 9,

    /// <summary>
    /// C stage to parent, first of all when it was given v1 `tasks` files: it wrote itself into each (empty payload).
    /// Until then /proc/&lt;pid&gt;/cgroup may still show our cgroups.
    /// </summary>
    CgroupsEntered = 30,

    /// <summary>Parent to init: a detached idmapped mount tree (payload: the mount's index, u32) as an SCM_RIGHTS fd.</summary>
    MountTree = 10,

    /// <summary>
    /// Parent to init, once create has recorded it in state.json: the container is handed over and outlives create.
    /// Until then the init exits at end-of-file (create died).
    /// </summary>
    HandOver = 11,

    /// <summary>Parent to the C init (native/c_init.h): the whole init as a binary program, instead of PLAN.</summary>
    InitProgram = 13,

    /// <summary>C init to parent, with JAULA_INIT_TIMING, just before READY: each group's time (<see cref="Init.CInitTiming"/>).</summary>
    Timing = 14,

    /// <summary>Init to parent: the number (u32) of its seccomp listener fd, for the parent to copy and pass to the agent.</summary>
    SeccompListener = 7,
}
