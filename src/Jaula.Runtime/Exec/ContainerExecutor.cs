using System.Globalization;
using System.Text.Json;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Init;
using Jaula.Runtime.Lifecycle;
using Jaula.Runtime.Sync;
using Jaula.Sandbox;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Seccomp;
using Jaula.Sandbox.Terminal;

namespace Jaula.Runtime.Exec;

/// <summary>
/// The parent side of `exec`: check the container can take a process, clone through the C stage into every namespace
/// of its init, put the child into the init's cgroups, hand it the process plan, and then either return (detached) or
/// wait for it like a shell, forwarding signals.
/// </summary>
public sealed class ContainerExecutor(StateStore store, IRuntimeLog log)
{
    /// <summary>
    /// /proc/&lt;pid&gt;/ns names in the order the stage must join them: user first, for the rights it gives. Not the
    /// mount namespace: jaula is a dynamic executable whose loader must come from the host's filesystem, so the init
    /// joins it itself once running (see ExecProgram).
    /// </summary>
    private static readonly (string Name, int Flag)[] Namespaces =
    [
        ("user", CloneFlags.NewUser), ("pid", CloneFlags.NewPid), ("net", CloneFlags.NewNet),
        ("ipc", CloneFlags.NewIpc), ("uts", CloneFlags.NewUts), ("cgroup", CloneFlags.NewCgroup), ("time", CloneFlags.NewTime),
    ];

    public int Exec(ExecRequest request)
    {
        var timer = new PhaseTimer(log);
        ContainerId.Validate(request.Id);
        var container = Container.Load(store, request.Id);
        CheckStatus(container, request);
        Spec spec = LoadSpec(container.Record.Bundle);
        spec.Process = ExecProcessBuilder.Build(spec.Process ?? new ProcessSpec { Cwd = "/" }, request);
        bool tty = spec.Process.Terminal == true;
        if (tty && request.Detach && request.ConsoleSocket is null)
            throw JaulaException.ForField("process.terminal", "a detached exec with a terminal needs --console-socket to hand the pty to");
        if (!tty && request.ConsoleSocket is not null)
            throw new JaulaException("--console-socket is only for a process with a terminal (use --tty)");

        timer.Mark("exec: load state and validate config");
        var (child, consoleMaster) = Launch(container, spec, request, timer);
        using (child.PidFd)
        using (consoleMaster)
        {
            if (consoleMaster is not null && request.ConsoleSocket is not null)
                SendToConsoleSocket(request.ConsoleSocket, consoleMaster, child);
            if (request.PidFile is not null)
                PidFile.Write(request.PidFile, child.Pid);
            if (request.PidfdSocket is not null)
                PidfdSocket.Send(request.PidfdSocket, child.Pid);
            timer.Total("exec (to the process started)");
            log.Debug($"exec in {request.Id}: pid {child.Pid}");
            if (request.Detach)
                return 0;
            Sys.SetChildSubreaper(); // what the process leaves behind is ours to reap, not the engine's
            var foreground = consoleMaster is not null && request.ConsoleSocket is null ? new ForegroundTerminal(consoleMaster) : null;
            using var forwarder = new SignalForwarder(child.PidFd, signal =>
            {
                if (signal == Signals.SIGWINCH)
                    foreground?.Resize();
            });
            foreground?.Run();
            return Sys.WaitForExit(child.Pid);
        }
    }

    /// <summary>A rootless container without a cgroup lives in the caller's own cgroups, which it cannot write.</summary>
    private static bool JoinsCgroup(Container container) => container.Record.Cgroup is not null || Sys.GetEuid() == 0;

    /// <summary>
    /// The process enters the container's cgroups by itself at clone (<see cref="CgroupEntry"/>), except where
    /// execCPUAffinity.initial is to hold before it moves there: then the parent moves it, after setting the affinity.
    /// </summary>
    private static bool EntersCgroupItself(Container container, Spec spec) =>
        JoinsCgroup(container) && string.IsNullOrEmpty(spec.Process?.ExecCpuAffinity?.Initial);

    private static void ApplyInitialAffinity(int pid, Spec spec)
    {
        try
        {
            ExecCpuAffinityApplier.ApplyInitial(pid, spec.Process?.ExecCpuAffinity);
        }
        catch (ContainerSetupException e)
        {
            throw JaulaException.ForField(e.Field ?? "process.execCPUAffinity", e.Cause, e);
        }
    }

    /// <summary>The engine must get the pty or the process is useless: on failure it is killed, not left orphaned.</summary>
    private static void SendToConsoleSocket(string socket, SafeFd master, SpawnedInit child)
    {
        try
        {
            ConsoleSocket.SendMaster(socket, master);
        }
        catch (ContainerSetupException e)
        {
            child.KillAndReap();
            throw new JaulaException($"{e.Field}: {e.Cause}", e);
        }
    }

    private static void CheckStatus(Container container, ExecRequest request)
    {
        switch (container.Status)
        {
            case ContainerStatus.Running:
                return;
            case ContainerStatus.Paused when request.IgnorePaused:
                return;
            case ContainerStatus.Paused:
                throw new JaulaException("cannot exec in a paused container (resume it, or pass --ignore-paused)");
            case ContainerStatus.Created:
                throw new JaulaException("cannot exec in a created container: start it first");
            default:
                throw new JaulaException("cannot exec in a stopped container");
        }
    }

    private static Spec LoadSpec(string bundle)
    {
        try
        {
            return SpecLoader.Load(bundle);
        }
        catch (SpecException e)
        {
            throw new JaulaException($"the container's config changed since create and no longer loads: {e.Message}", e);
        }
    }

    private (SpawnedInit Child, SafeFd? ConsoleMaster) Launch(Container container, Spec spec, ExecRequest request, PhaseTimer timer)
    {
        int initPid = container.Record.Pid;
        var seccomp = SeccompAgent.Compile(spec, log, warnUnknownSyscalls: false); // create has said it already
        timer.Mark("exec: compile seccomp");
        bool cExec = ChooseInit(spec, seccomp);
        var joins = OpenJoins(initPid);
        bool sharedMounts = SharesOurMountNamespace(initPid);
        using SafeFd mountNamespace = OpenMountNamespace(initPid, joins, sharedMounts);
        var (parentEnd, childEnd) = Sys.SocketPair();
        using var channel = new SyncChannel(parentEnd);
        SpawnedInit child;
        CgroupEntry? cgroupEntry = null;
        // Without CAP_SYS_ADMIN (rootless) our thread cannot enter the pid namespace: the child joins it after the user one.
        bool pidJoinInChild = Sys.GetEuid() != 0 && joins.Any(j => j.NsType == CloneFlags.NewPid) && joins.Any(j => j.NsType == CloneFlags.NewUser);
        try
        {
            // The ns files were opened by pid: only if the init still is the recorded one do they belong to it.
            if (!container.InitIsAlive())
                throw new JaulaException("cannot exec in a stopped container");
            using var exe = SealedExecutable.Create(log, container.Directory); // never the writable host binary (CVE-2019-5736)
            cgroupEntry = EntersCgroupItself(container, spec) ? CgroupJoin.Open(initPid, request.Cgroup) : null;
            child = InitStage.Spawn(new InitSpawnRequest
            {
                SyncFd = childEnd,
                ParentSyncFd = channel.Socket,
                ExeFd = exe,
                PreserveFds = request.PreserveFds,
                BecomeRoot = joins.Any(j => j.NsType == CloneFlags.NewUser),
                Joins = joins,
                // The C init's marker (native/c_init.h) is this argv with exactly this environment.
                Argv = ["jaula", cExec ? "init-c" : "init", InitStage.SyncFdOf(request.PreserveFds).ToString(CultureInfo.InvariantCulture)],
                Env = [cExec ? "JAULA_INIT=c" : "JAULA_INIT=1"],
                PidJoinInChild = pidJoinInChild,
                CgroupFd = cgroupEntry?.Directory,
                CgroupTasks = cgroupEntry?.Tasks ?? [],
                CgroupTaskPaths = cgroupEntry?.TaskPaths ?? [],
            });
        }
        finally
        {
            childEnd.Dispose();
            cgroupEntry?.Dispose(); // the child has its copies; Finish needs only the path
            foreach (var (_, fd) in joins)
                fd.Dispose();
        }
        timer.Mark("exec: open namespaces, jaula's executable, clone");
        var birth = child.CgroupBirth; // a sibling is born where the stage child was
        if (cgroupEntry?.EnteredByChild == true)
            CgroupEntry.AwaitEntered(channel, child);
        if (pidJoinInChild)
            child = Lifecycle.UserNamespaceAfterJoins.ReceiveSibling(channel, child);

        try
        {
            ApplyInitialAffinity(child.Pid, spec);
            if (cgroupEntry is not null)
                CgroupJoin.Finish(cgroupEntry, child.Pid, birth);
            else if (JoinsCgroup(container))
                CgroupJoin.Join(child.Pid, initPid, request.Cgroup);
            Lifecycle.ContainerResctrl.Join(container.Record, child.Pid);
            channel.Send(FrameType.Go);
            CInitReports? reports = null;
            var warnings = new List<string>();
            if (cExec)
            {
                bool joinsUser = joins.Any(j => j.NsType == CloneFlags.NewUser);
                var program = SendProgram(channel, container, spec, request, seccomp, sharedMounts, joinsUser, mountNamespace, warnings);
                reports = new CInitReports(program);
                timer.Mark("exec: cgroup, GO and the C exec's program sent");
            }
            else
            {
                var plan = new InitPlan
                {
                    ContainerId = container.Id,
                    Bundle = container.Record.Bundle,
                    Rootfs = container.Record.Rootfs,
                    Spec = spec,
                    Exec = true,
                    SharedMountNamespace = sharedMounts,
                    Seccomp = seccomp,
                    PreserveFds = request.PreserveFds,
                    InUserNamespace = joins.Any(j => j.NsType == CloneFlags.NewUser),
                };
                channel.Send(FrameType.Plan, JsonSerializer.SerializeToUtf8Bytes(plan, RuntimeJson.Default.InitPlan), mountNamespace);
                timer.Mark("exec: cgroup, GO and plan sent");
            }
            SafeFd? master = AwaitExec(channel, child,
                frame => SeccompAgent.Hand(frame, child, spec,
                    new AgentContainer(container.Id, container.Status.ToText(), container.Record.Pid, container.Record.Bundle, container.Record.Rootfs)),
                reports, warnings);
            timer.Mark("exec: wait for the exec (the child's setup)");
            return (child, master);
        }
        catch
        {
            child.KillAndReap();
            child.PidFd.Dispose();
            throw;
        }
    }

    /// <summary>The exec needs no .NET in the child (<see cref="ExecRoute"/>): the C exec, unless --debug names why not.</summary>
    private bool ChooseInit(Spec spec, SeccompProgram? seccomp)
    {
        string? why = ExecRoute.WhyManaged(spec, seccomp);
        log.Debug(why is null ? "exec: the C exec" : $"exec: the managed exec ({why})");
        return why is null;
    }

    /// <summary>
    /// The C exec's whole setup, compiled here and sent as one INIT_PROGRAM frame with the container's mount namespace
    /// (or root directory) on it (native/c_init.h, JAULA_INIT_EXEC).
    /// </summary>
    private static CInitProgram SendProgram(SyncChannel channel, Container container, Spec spec, ExecRequest request, SeccompProgram? seccomp,
        bool sharedMounts, bool joinsUser, SafeFd mountNamespace, List<string> warnings)
    {
        CInitProgram program;
        byte[] encoded;
        string setgroups = $"/proc/{container.Record.Pid.ToString(CultureInfo.InvariantCulture)}/setgroups";
        int lastCap = Sys.LastCap();
        try
        {
            program = ExecRoute.Compile(new ExecRoute.ExecFacts
            {
                Spec = spec,
                ContainerId = container.Id,
                Seccomp = seccomp,
                PreserveFds = request.PreserveFds,
                SharedMountNamespace = sharedMounts,
                SetgroupsDenied = File.Exists(setgroups) && File.ReadAllText(setgroups).Trim() == "deny",
                // setns into a user namespace fills the bounding set (set_cred_user_ns); otherwise the child keeps ours.
                Bounding = joinsUser ? (2UL << lastCap) - 1 : Sys.CapBoundingSet(),
                LastCap = lastCap,
            }, warnings);
            encoded = program.Encode();
        }
        catch (ContainerSetupException e)
        {
            throw new JaulaException(e.Message, e);
        }
        channel.Send(FrameType.InitProgram, encoded, mountNamespace);
        return program;
    }

    /// <summary>A container without a mount namespace of its own: its init's is ours (the host's).</summary>
    private static bool SharesOurMountNamespace(int initPid) =>
        ProcFs.ReadNamespaceInode(initPid, "mnt") is { } theirs && ProcFs.ReadNamespaceInode(Environment.ProcessId, "mnt") == theirs;

    /// <summary>
    /// The init's mount namespace, for the child to join; for a container sharing ours, the init's root directory
    /// instead (what it chrooted into), for the child to chroot into (runc's setns process does the same).
    /// </summary>
    private static SafeFd OpenMountNamespace(int initPid, List<(int NsType, SafeFd Fd)> joins, bool sharedMounts)
    {
        string pid = initPid.ToString(CultureInfo.InvariantCulture);
        try
        {
            return sharedMounts
                ? Sys.Open($"/proc/{pid}/root", OpenFlags.Path | OpenFlags.Directory | OpenFlags.CloExec)
                : Sys.Open($"/proc/{pid}/ns/mnt", OpenFlags.ReadOnly | OpenFlags.CloExec);
        }
        catch (ErrnoException e)
        {
            foreach (var (_, fd) in joins)
                fd.Dispose();
            throw new JaulaException($"cannot open the container's mount namespace: {e.Message}", e);
        }
    }

    /// <summary>The namespaces of the init that differ from ours; the others the child shares already.</summary>
    private static List<(int NsType, SafeFd Fd)> OpenJoins(int initPid)
    {
        var joins = new List<(int, SafeFd)>();
        try
        {
            foreach (var (name, flag) in Namespaces)
            {
                ulong? theirs = ProcFs.ReadNamespaceInode(initPid, name);
                if (theirs is null || theirs == ProcFs.ReadNamespaceInode(Environment.ProcessId, name))
                    continue;
                joins.Add((flag, Sys.Open($"/proc/{initPid.ToString(CultureInfo.InvariantCulture)}/ns/{name}", OpenFlags.ReadOnly | OpenFlags.CloExec)));
            }
            return joins;
        }
        catch (ErrnoException e)
        {
            foreach (var (_, fd) in joins)
                fd.Dispose();
            throw new JaulaException($"cannot open the container's namespaces: {e.Message}", e);
        }
    }

    /// <summary>
    /// Warnings, then the pty master (with a terminal), then end of file: the sync socket is close-on-exec, so EOF
    /// means the process was exec'd. An ERROR frame says why it was not.
    /// </summary>
    /// <param name="cExec">Words the C exec's ERROR and WARNING frames (null: the managed exec words its own).</param>
    /// <param name="decided">The C exec's warnings, decided here: logged where the managed exec sends its own, once the
    /// process's setup succeeded (at end of file, or before a failure of the final phase).</param>
    private SafeFd? AwaitExec(SyncChannel channel, SpawnedInit child, Action<Frame> onSeccompListener, CInitReports? cExec,
        List<string> decided)
    {
        SafeFd? master = null;
        try
        {
            while (true)
            {
                var frame = channel.Receive(out SafeFd? fd);
                switch (frame?.Type)
                {
                    case null:
                        decided.ForEach(log.Warn);
                        return master;
                    case FrameType.Warning:
                        log.Warn(cExec?.Warning(frame.Payload) ?? System.Text.Encoding.UTF8.GetString(frame.Payload));
                        break;
                    case FrameType.SeccompListener:
                        onSeccompListener(frame);
                        channel.Send(FrameType.HandOver); // the fd is with the agent: the final phase may go on to execve
                        break;
                    case FrameType.Console when fd is not null && master is null:
                        master = fd;
                        break;
                    case FrameType.Error when InitError.TryDecode(frame.Payload) is { } error && cExec?.Describe(error) is { } cMessage:
                        throw new JaulaException(cMessage);
                    case FrameType.Error:
                        decided.ForEach(log.Warn);
                        throw new JaulaException(InitError.TryDecode(frame.Payload)?.Describe()
                            ?? "the exec'd process failed and its error report was unreadable");
                    default:
                        fd?.Dispose();
                        throw new JaulaException($"the exec'd process sent an unexpected {frame.Type} message");
                }
            }
        }
        catch
        {
            master?.Dispose();
            throw;
        }
    }
}
