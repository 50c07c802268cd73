using System.Globalization;
using System.Text.Json;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Hooks;
using Jaula.Runtime.Init;
using Jaula.Runtime.Rootless;
using Jaula.Runtime.Sync;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Seccomp;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The parent side of `create`: validate the bundle, reserve the id, clone the init through the C stage, write its ID
/// maps, place it in its cgroup, hand it the plan, and wait until it is ready or has failed. A failure anywhere kills
/// the init and removes everything that was made.
/// </summary>
public sealed class ContainerCreator(StateStore store, IRuntimeLog log, Func<Spec, ICgroupPlacement>? cgroups = null)
{
    public CreatedContainer Create(CreateOptions options)
    {
        var timer = new PhaseTimer(log);
        ContainerId.Validate(options.Id);
        if (options.SystemdCgroup && options.Rootless)
            throw new JaulaException("--systemd-cgroup with --rootless: the systemd driver talks to the system instance only (a user instance is not supported); drop one of the flags");
        string bundle = Path.GetFullPath(options.Bundle);
        Spec spec = LoadSpec(bundle);
        UnsupportedFeatures.Reject(spec, options, log);
        ConfigFieldChecks.Check(spec);
        if (options.SystemdCgroup)
            ContainerCgroups.CheckSystemd(spec, options.Id);
        options = SocketActivation.Apply(options, spec);
        timer.Mark("create: load and validate config");
        var seccomp = SeccompAgent.Compile(spec, log);
        timer.Mark("create: compile seccomp");
        string rootfs = ResolveRootfs(spec, bundle);
        var namespaces = NamespacePlan.From(spec);
        if (!namespaces.OwnMount)
            HostMountNamespace.Check(spec, namespaces);
        var rootlessMaps = options.Rootless ? RootlessMaps(spec, namespaces) : null;
        bool cInit = ChooseInit(spec, namespaces, seccomp);

        // Pid 0 says "creating" to `state` until the init is ready.
        using var containerLock = store.Reserve(Record(options.Id, bundle, rootfs, spec, pid: 0, pidStartTime: 0, namespaces.NewPid));
        timer.Mark("create: plan namespaces and reserve state");
        var journal = new CreateJournal(store, options.Id);
        ICgroupPlacement? placement = null;
        SpawnedInit? init = null;
        SafeFd? consoleMaster = null;
        SyncChannel? channel = null;
        var resctrl = new ResctrlHolder();
        HostMountsRecord? hostMounts = null;
        try
        {
            if (!namespaces.OwnMount)
            {
                hostMounts = HostMountNamespace.Plan(rootfs);
                journal.HostMountsAbout(hostMounts);
                log.Warn(HostMountNamespace.Warning(options.Id, rootfs));
            }
            placement = cgroups?.Invoke(spec) ?? Placement(spec, options, journal);
            (init, consoleMaster, channel) = Launch(options with { CInit = cInit }, spec, bundle, rootfs, namespaces, containerLock.Directory, placement, resctrl, seccomp,
                rootlessMaps is null ? pid => IdMapWriter.Write(pid, spec.Linux?.UidMappings, spec.Linux?.GidMappings) : pid => rootlessMaps.Write(pid, spec),
                journal, timer);
            consoleMaster = HandOverConsole(options, consoleMaster);
            var stat = ProcFs.ReadStat(init.Pid) ?? throw new JaulaException($"the container's init (pid {init.Pid}) vanished during create");
            var record = Record(options.Id, bundle, rootfs, spec, init.Pid, stat.StartTime, namespaces.NewPid);
            record.Cgroup = placement.Record;
            record.IntelRdt = resctrl.Record;
            store.Save(record);
            StartTicket.WriteIfApplies(store.DirectoryOf(record.Id), record);
            DeleteTicket.WriteIfApplies(store.DirectoryOf(record.Id), record, ownMountNamespace: hostMounts is null);
            if (options.PidFile is not null)
                PidFile.Write(options.PidFile, init.Pid);
            if (options.PidfdSocket is not null)
                PidfdSocket.Send(options.PidfdSocket, init.Pid);
            // Recorded: from now on the init outlives us (until here it dies with us, see native/stage.h).
            channel.Send(FrameType.HandOver);
            timer.Mark("create: write state");
            timer.Total("create");
            log.Debug($"container {options.Id} created, init pid {init.Pid}");
            return new CreatedContainer(record, init, consoleMaster);
        }
        catch (Exception e)
        {
            consoleMaster?.Dispose();
            Abort(init, placement, options.Id, hostMounts);
            ContainerResctrl.Remove(resctrl.Record, log);
            // runtime.md: a failing create hook stops the container and the lifecycle goes on at delete (poststop).
            if (e is HookFailedException)
                HookRunner.RunPoststop(spec.Hooks, HookRunner.Creating(options.Id, bundle, rootfs, spec, 0), log);
            throw;
        }
        finally
        {
            channel?.Dispose();
        }
    }

    /// <summary>A rootless container needs a user namespace, and maps this host can write (checked before anything is made).</summary>
    private static RootlessIdMapper RootlessMaps(Spec spec, NamespacePlan namespaces)
    {
        if (!namespaces.NewUser)
            throw JaulaException.ForField("linux.namespaces",
                "a rootless container needs a new user namespace with linux.uidMappings/gidMappings (`jaula spec --rootless` writes one)");
        var mapper = RootlessIdMapper.ForCaller(RootlessHost.Real);
        mapper.Check(spec);
        return mapper;
    }

    /// <summary>
    /// Only a unified (v2) hierarchy can delegate a cgroup to a user (v1 and hybrid hosts give none), and whether it
    /// did shows only when the cgroup is made: rootless there, permission errors mean "no cgroup", with a notice.
    /// </summary>
    private ICgroupPlacement Placement(Spec spec, CreateOptions options, CreateJournal journal)
    {
        if (!options.Rootless)
            return new ContainerCgroups(spec, options.Id, log, systemd: options.SystemdCgroup, beforeMake: journal.CgroupAbout);
        return UnifiedHost()
            ? new ContainerCgroups(spec, options.Id, log, rootless: true, beforeMake: journal.CgroupAbout)
            : new SkippedCgroups(log, spec.Linux?.Resources is not null);
    }

    private static bool UnifiedHost()
    {
        try
        {
            return Cgroups.CgroupLayout.DetectHost().Mode == Cgroups.CgroupMode.Unified;
        }
        catch (Cgroups.CgroupException)
        {
            return false; // no cgroup filesystem at all: nothing to delegate
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
            throw new JaulaException(e.Message, e);
        }
    }

    private static string ResolveRootfs(Spec spec, string bundle)
    {
        string rootfs = Path.GetFullPath(spec.Root!.Path, bundle);
        if (!Sys.TryStat(rootfs, out var st))
            throw JaulaException.ForField("root.path", $"{rootfs}: no such file or directory");
        if (!st.IsDirectory)
            throw JaulaException.ForField("root.path", $"{rootfs}: not a directory");
        // The init pivots into this path, so it must name the directory itself, not a link to it.
        return new DirectoryInfo(rootfs).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? rootfs;
    }

    /// <summary>The pty master goes to the console socket; for a foreground `run` it stays with us to proxy.</summary>
    private static SafeFd? HandOverConsole(CreateOptions options, SafeFd? master)
    {
        if (master is null || options.ConsoleSocket is null)
            return master;
        using (master)
        {
            try
            {
                Sandbox.Terminal.ConsoleSocket.SendMaster(options.ConsoleSocket, master);
            }
            catch (Sandbox.ContainerSetupException e)
            {
                throw JaulaException.ForField(e.Field ?? "--console-socket", e.Cause, e);
            }
        }
        return null;
    }

    /// <summary>Returns the sync channel too: create hands the container over on it once it is recorded.</summary>
    private (SpawnedInit Init, SafeFd? ConsoleMaster, SyncChannel Channel) Launch(CreateOptions options, Spec spec, string bundle, string rootfs,
        NamespacePlan namespaces, string containerDir, ICgroupPlacement placement, ResctrlHolder resctrl, SeccompProgram? seccomp,
        Action<int> writeIdMaps, CreateJournal journal, PhaseTimer timer)
    {
        var (parentEnd, childEnd) = Sys.SocketPair();
        var channel = new SyncChannel(parentEnd);
        try
        {
            var (init, master) = Launch(options, spec, bundle, rootfs, namespaces, containerDir, placement, resctrl, seccomp, writeIdMaps,
                journal, channel, childEnd, timer);
            return (init, master, channel);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    private (SpawnedInit Init, SafeFd? ConsoleMaster) Launch(CreateOptions options, Spec spec, string bundle, string rootfs, NamespacePlan namespaces,
        string containerDir, ICgroupPlacement placement, ResctrlHolder resctrl, SeccompProgram? seccomp, Action<int> writeIdMaps, CreateJournal journal,
        SyncChannel channel, SafeFd childEnd, PhaseTimer timer)
    {
        using var fifo = ExecFifo.Create(containerDir);
        using var exe = SealedExecutable.Create(log, containerDir);
        timer.Mark("create: exec fifo and jaula's executable");
        SpawnedInit init;
        var joins = OpenJoins(namespaces);
        CgroupEntry? cgroupEntry = null;
        try
        {
            cgroupEntry = placement.PrepareForClone();
            init = Spawn(options, spec, namespaces, channel.Socket, childEnd, fifo, exe, joins, cgroupEntry);
        }
        finally
        {
            childEnd.Dispose();
            cgroupEntry?.Dispose();
            foreach (var (_, fd) in joins)
                fd.Dispose();
        }
        timer.Mark("create: clone (cgroup prepared, C stage spawned)");
        // The sibling init of UserNamespaceAfterJoins is cloned by the stage child, so it is born where that child was.
        var birth = init.CgroupBirth;
        // Our copy of the child's end is closed: a stage child that dies now ends our reads.
        RecordOrKill(journal, init);
        if (cgroupEntry?.EnteredByChild == true)
            CgroupEntry.AwaitEntered(channel, init);
        if (namespaces.UserAfterJoins)
        {
            init = UserNamespaceAfterJoins.ReceiveInit(channel, init, writeIdMaps);
            RecordOrKill(journal, init);
        }

        try
        {
            if (namespaces.NewUser && !namespaces.UserAfterJoins)
                writeIdMaps(init.Pid);
            placement.Place(init.Pid, birth);
            resctrl.Record = ContainerResctrl.Apply(spec, options.Id, init.Pid);
            Network.NetDeviceMover.Move(spec.Linux?.NetDevices, init.Pid);
            channel.Send(FrameType.Go);
            timer.Mark("create: id maps, cgroup and GO");
            var warnings = new List<string>();
            var program = options.CInit ? SendProgram(channel, options, spec, bundle, rootfs, namespaces, init.Pid, seccomp, warnings) : null;
            if (program is null)
            {
                var plan = Plan(options, spec, bundle, rootfs, namespaces, init.Pid, seccomp);
                channel.Send(FrameType.Plan, JsonSerializer.SerializeToUtf8Bytes(plan, RuntimeJson.Default.InitPlan));
                IdmappedMountTrees.Send(channel, spec, bundle, init.Pid, namespaces.InUserNamespace);
            }
            timer.Mark(program is null ? "create: plan sent" : "create: C init program compiled and sent");
            var hooks = new CreateHooks(spec.Hooks, HookRunner.Creating(options.Id, bundle, rootfs, spec, init.Pid));
            var ready = AwaitReady(channel, init, hooks, frame => SeccompAgent.Hand(frame, init, spec,
                new AgentContainer(options.Id, "creating", init.Pid, bundle, rootfs)),
                program is null ? null : new CInitReports(program));
            warnings.ForEach(log.Warn); // as the managed init's: only once the process is set up
            timer.Mark("create: wait for READY (the init's setup)");
            return (init, ready);
        }
        catch (Exception e)
        {
            // Writing the maps, a cgroup.procs or GO fails once the child is gone (ESRCH, EPIPE); the child's own ERROR
            // frame, if it left one, says why it went, and that is the cause to report.
            init.KillAndReap();
            if (TryReadError(channel) is { } error)
                throw new JaulaException(error.Describe(), e);
            throw;
        }
    }

    private static void RecordOrKill(CreateJournal journal, SpawnedInit init)
    {
        try
        {
            journal.Init(init.Pid);
        }
        catch
        {
            init.KillAndReap();
            throw;
        }
    }

    /// <summary>An ERROR frame the (now dead) child left on the socket; reading cannot block once it is reaped.</summary>
    private static InitError? TryReadError(SyncChannel channel)
    {
        try
        {
            var frame = channel.Receive();
            return frame?.Type == FrameType.Error ? InitError.TryDecode(frame.Payload) : null;
        }
        catch (Exception e) when (e is ErrnoException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The init runs as `jaula init &lt;sync fd&gt;`; the stage puts the sync fd right after the preserved ones.</summary>
    private static SpawnedInit Spawn(CreateOptions options, Spec spec, NamespacePlan namespaces, SafeFd parentEnd, SafeFd childEnd,
        SafeFd fifo, SafeFd exe, List<(int NsType, SafeFd Fd)> joins, CgroupEntry? cgroup) =>
        InitStage.Spawn(new InitSpawnRequest
        {
            CloneFlags = namespaces.CreateFlags,
            UnshareFlags = namespaces.UnshareFlags,
            SyncFd = childEnd,
            ParentSyncFd = parentEnd,
            FifoFd = fifo,
            ExeFd = exe,
            PreserveFds = options.PreserveFds,
            BecomeRoot = namespaces.InUserNamespace,
            Joins = joins,
            TimeOffsets = TimeOffsetsText(spec),
            // The C init's marker (native/c_init.h) is this argv with exactly this environment.
            Argv = ["jaula", options.CInit ? "init-c" : "init", InitStage.SyncFdOf(options.PreserveFds).ToString(CultureInfo.InvariantCulture)],
            Env = [options.CInit ? "JAULA_INIT=c" : "JAULA_INIT=1"],
            CgroupFd = cgroup?.Directory,
            CgroupTasks = cgroup?.Tasks ?? [],
            CgroupTaskPaths = cgroup?.TaskPaths ?? [],
        });

    /// <summary>The init needs no .NET (<see cref="InitRoute"/>): the C init, unless --debug names why not.</summary>
    private bool ChooseInit(Spec spec, NamespacePlan namespaces, SeccompProgram? seccomp)
    {
        string? why = InitRoute.WhyManaged(spec, namespaces, seccomp);
        log.Debug(why is null ? "init: the C init" : $"init: the managed init ({why})");
        return why is null;
    }

    /// <summary>The C init's whole setup, compiled here and sent as one INIT_PROGRAM frame (native/c_init.h).</summary>
    private CInitProgram SendProgram(SyncChannel channel, CreateOptions options, Spec spec, string bundle, string rootfs, NamespacePlan namespaces,
        int pid, SeccompProgram? seccomp, List<string> warnings)
    {
        CInitProgram program;
        byte[] encoded;
        try
        {
            program = CInitPlanner.Compile(CInitFacts.Read(options, spec, bundle, rootfs, namespaces, pid, seccomp), warnings)
                with { Timing = log.DebugEnabled };
            encoded = program.Encode();
        }
        catch (Sandbox.ContainerSetupException e)
        {
            throw new JaulaException(e.Message, e);
        }
        channel.Send(FrameType.InitProgram, encoded);
        return program;
    }

    private static InitPlan Plan(CreateOptions options, Spec spec, string bundle, string rootfs, NamespacePlan namespaces, int pid,
        SeccompProgram? seccomp) =>
        new()
        {
            ContainerId = options.Id,
            Bundle = bundle,
            Rootfs = rootfs,
            Spec = spec,
            NoPivot = options.NoPivot,
            SharedMountNamespace = !namespaces.OwnMount,
            NoNewKeyring = options.NoNewKeyring,
            PreserveFds = options.PreserveFds,
            InUserNamespace = namespaces.InUserNamespace,
            HostCgroups = [.. File.ReadAllLines($"/proc/{pid}/cgroup")],
            HookState = HookRunner.Creating(options.Id, bundle, rootfs, spec, pid),
            Seccomp = seccomp,
        };

    private static List<(int NsType, SafeFd Fd)> OpenJoins(NamespacePlan namespaces)
    {
        var opened = new List<(int, SafeFd)>();
        try
        {
            foreach (var (nsType, path, field) in namespaces.Joins)
            {
                try
                {
                    opened.Add((nsType, Sys.Open(path, OpenFlags.ReadOnly | OpenFlags.CloExec)));
                }
                catch (ErrnoException e)
                {
                    throw JaulaException.ForField(field, e.Message, e);
                }
            }
            return opened;
        }
        catch
        {
            foreach (var (_, fd) in opened)
                fd.Dispose();
            throw;
        }
    }

    private static string? TimeOffsetsText(Spec spec)
    {
        var offsets = spec.Linux?.TimeOffsets;
        if (offsets is null || offsets.Count == 0)
            return null;
        return string.Concat(offsets.Select(kv =>
            $"{kv.Key} {(kv.Value.Secs ?? 0).ToString(CultureInfo.InvariantCulture)} {(kv.Value.Nanosecs ?? 0).ToString(CultureInfo.InvariantCulture)}\n"));
    }

    /// <summary>
    /// Before READY may come warnings, the HOOKS_DUE point (run prestart/createRuntime and answer), the seccomp
    /// listener (for the agent), and with a terminal the pty master; returns the master.
    /// </summary>
    /// <param name="cInit">Words the C init's ERROR and WARNING frames (null: the managed init words its own).</param>
    private SafeFd? AwaitReady(SyncChannel channel, SpawnedInit init, CreateHooks hooks, Action<Frame> onSeccompListener,
        CInitReports? cInit)
    {
        SafeFd? master = null;
        try
        {
            var frame = channel.Receive(out SafeFd? fd);
            while (frame?.Type is FrameType.Warning or FrameType.Console or FrameType.HooksDue or FrameType.SeccompListener
                   or FrameType.Timing)
            {
                if (frame.Type == FrameType.Console && fd is not null && master is null)
                    (master, fd) = (fd, null);
                else if (frame.Type == FrameType.HooksDue)
                    hooks.Run(channel);
                else if (frame.Type == FrameType.SeccompListener)
                    onSeccompListener(frame);
                else if (frame.Type == FrameType.Warning)
                    log.Warn(cInit?.Warning(frame.Payload) ?? System.Text.Encoding.UTF8.GetString(frame.Payload));
                else if (frame.Type == FrameType.Timing)
                    log.Debug("timing: create: " + CInitTiming.Describe(frame.Payload));
                fd?.Dispose();
                frame = channel.Receive(out fd);
            }
            fd?.Dispose();
            ThrowUnlessReady(frame, init, cInit);
            return master;
        }
        catch
        {
            master?.Dispose();
            throw;
        }
    }

    private static void ThrowUnlessReady(Frame? frame, SpawnedInit init, CInitReports? cInit)
    {
        switch (frame?.Type)
        {
            case FrameType.Ready:
                return;
            case FrameType.Error when InitError.TryDecode(frame.Payload) is { Step: "hook" } hookError:
                throw new HookFailedException(hookError.Describe());
            case FrameType.Error when InitError.TryDecode(frame.Payload) is { } error && cInit?.Describe(error) is { } cInitMessage:
                throw new JaulaException(cInitMessage);
            case FrameType.Error:
                throw new JaulaException(InitError.TryDecode(frame.Payload)?.Describe()
                    ?? $"the container's init failed and its error report ({frame.Payload.Length} bytes) was unreadable");
            case null:
                int status = Sys.WaitForExit(init.Pid);
                throw new JaulaException($"the container's init exited with status {status} before it was ready (its stderr, if any, is above)");
            default:
                throw new JaulaException($"the container's init sent an unexpected {frame.Type} message");
        }
    }

    private static ContainerRecord Record(string id, string bundle, string rootfs, Spec spec, int pid, ulong pidStartTime,
        bool ownPidNamespace)
    {
        return new ContainerRecord
        {
            Id = id,
            Bundle = bundle,
            Rootfs = rootfs,
            Pid = pid,
            PidStartTime = pidStartTime,
            PidNamespace = pid == 0 ? null : ProcFs.ReadNamespaceInode(pid, "pid"),
            OwnPidNamespace = ownPidNamespace,
            Created = Timestamps.Rfc3339Now(),
            Annotations = spec.Annotations,
            Hooks = spec.Hooks,
            NoProcess = spec.Process is null,
            DeviceRules = spec.Linux?.Resources?.Devices,
        };
    }

    private void Abort(SpawnedInit? init, ICgroupPlacement? placement, string id, HostMountsRecord? hostMounts)
    {
        if (init is not null)
        {
            init.KillAndReap();
            init.PidFd.Dispose();
        }
        // The init is gone; what it mounted in the host's mount namespace is not.
        try
        {
            foreach (string left in HostMountNamespace.Remove(hostMounts))
                log.Warn($"container {id}: the mount on {left} would not go after the failed create");
        }
        catch (Exception e) when (e is ErrnoException or IOException)
        {
            log.Warn($"container {id}: its mounts in the host's mount namespace could not be listed after the failed create: {e.Message}");
        }
        placement?.Remove();
        store.Remove(id);
    }
}

/// <summary>The resctrl groups made during Launch, for the record and for the cleanup of a failed create.</summary>
internal sealed class ResctrlHolder
{
    public Cgroups.Resctrl.ResctrlRecord? Record { get; set; }
}

/// <summary>A container whose init is our child (until this process exits): `run` waits on it.</summary>
public sealed record CreatedContainer(ContainerRecord Record, SpawnedInit Init, SafeFd? ConsoleMaster = null);
