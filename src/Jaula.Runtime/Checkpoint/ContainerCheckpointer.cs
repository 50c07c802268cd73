using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Runtime.Checkpoint;

/// <summary>
/// `jaula checkpoint` and `jaula restore` over the criu command. A dump (not --leave-running, not --pre-dump) ends the
/// container's processes, so the container is then deleted as runc does. A restore makes a normal jaula container:
/// the id reserved, the cgroup made with linux.resources (criu puts the tree under it with --cgroup-root), the
/// restored init's pid from criu's --pidfile in state.json, --pid-file written; then it answers state, kill, exec,
/// pause and delete like any other, under the same or a new id.
/// </summary>
public sealed class ContainerCheckpointer(StateStore store, IRuntimeLog log)
{
    public void Checkpoint(string id, CheckpointOptions options)
    {
        string criu = CriuRunner.RequireCriu();
        var container = Container.Load(store, id);
        if (container.Status is not (ContainerStatus.Running or ContainerStatus.Paused))
            throw new JaulaException("container not running");
        var spec = LoadSpec(container.Record.Bundle);
        options = options with
        {
            ImagePath = MakeDirectory(options.ImagePath, "--image-path"),
            WorkPath = MakeDirectory(options.WorkPath ?? options.ImagePath, "--work-path"),
        };
        if (!options.PreDump)
            StdioDescriptors.Record(container.Record.Pid, options.ImagePath);
        var args = CriuArguments.ForDump(options, container.Record.Pid, container.Record.Rootfs, spec);
        log.Debug($"checkpoint {id}: criu {string.Join(' ', args)}");
        CriuRunner.Run(criu, args, Path.Combine(options.WorkPath!, CriuArguments.DumpLog));
        if (!options.LeaveRunning && !options.PreDump)
            new ContainerLifecycle(store, log).Delete(id, force: true);
    }

    /// <summary>Restores and returns the exit status to report: 0 when detached, the init's status in the foreground.</summary>
    public int Restore(string id, RestoreOptions options)
    {
        ContainerId.Validate(id);
        string criu = CriuRunner.RequireCriu();
        string bundle = Path.GetFullPath(options.Bundle);
        var spec = LoadSpec(bundle);
        ConfigFieldChecks.Check(spec);
        if (options.SystemdCgroup)
            ContainerCgroups.CheckSystemd(spec, id);
        string rootfs = Path.GetFullPath(spec.Root!.Path, bundle);
        string imagePath = ExistingDirectory(options.ImagePath, "--image-path");
        string workPath = MakeDirectory(options.WorkPath ?? options.ImagePath, "--work-path");
        options = options with { ImagePath = imagePath, WorkPath = workPath };
        using var terminal = RestoreTerminal.Open(spec, options);
        var stdio = StdioDescriptors.Read(imagePath);
        // A recorded stdin pipe is taken from restore's own stdin (criu's; otherwise /dev/null).
        using var criuStdin = terminal.CriuStdin is null && StdioDescriptors.Pipes(stdio).Any(p => p.Fd == 0) ? SafeFd.Borrow(0) : null;

        using var reservation = store.Reserve(Record(id, bundle, rootfs, spec, 0, 0));
        // As create does: the cgroup and criu's pid are written down (made.json) before they exist, so a killed
        // restore leaves only what `delete` finds named there and removes.
        var journal = new CreateJournal(store, id);
        var cgroups = new ContainerCgroups(spec, id, log, systemd: options.SystemdCgroup, beforeMake: journal.CgroupAbout);
        int pid = 0;
        try
        {
            var roots = cgroups.PrepareForRestore();
            string pidFile = Path.Combine(workPath, "restore.pid");
            File.Delete(pidFile);
            var args = CriuArguments.ForRestore(options, rootfs, bundle, pidFile, spec, roots, terminal.ConsolePath, stdio);
            log.Debug($"restore {id}: criu {string.Join(' ', args)}");
            if (!options.Detach && !options.NoSubreaper)
                Sys.SetChildSubreaper(); // the restored init is reparented to us when criu exits, so we can wait for it
            using var netns = JoinedNetwork(spec);
            // criu runs under the keeper, which holds the container's lock: if this process dies before the hand-over
            // below, the keeper kills criu and the tree, then exits, and only then can `delete` take the lock.
            // With the systemd driver the unit is started with the keeper's pid (systemd makes a scope's cgroup only
            // with a process in it), as runc puts criu in the container's cgroup; criu then places the tree there.
            Action<int>? placeKeeper = options.SystemdCgroup ? keeperPid => cgroups.Place(keeperPid, CgroupBirth.NotAsked) : null;
            using var keeper = CriuRunner.Start(criu, args, netns, terminal.CriuStdin ?? criuStdin, reservation.Fd, placeKeeper);
            journal.Init(keeper.CriuPid);
            CriuRunner.Wait(keeper, args, Path.Combine(workPath, CriuArguments.RestoreLog));
            pid = ReadPid(pidFile, workPath);
            var stat = ProcFs.ReadStat(pid) ?? throw new JaulaException($"the restored init (pid {pid}) is gone (criu's log: {Path.Combine(workPath, CriuArguments.RestoreLog)})");
            journal.Init(pid);
            var record = Record(id, bundle, rootfs, spec, pid, stat.StartTime);
            record.Cgroup = cgroups.Record;
            store.Save(record);
            terminal.SendMaster(options.ConsoleSocket);
            if (options.PidFile is not null)
                PidFile.Write(options.PidFile, pid);
            // The hand-over: the keeper exits and the restored init goes to our nearest subreaper (us in the
            // foreground) or init, as criu's orphans would without a keeper.
            keeper.Release();
            log.Debug($"container {id} restored, init pid {pid}");
        }
        catch
        {
            cgroups.KillAll();
            cgroups.Remove();
            store.Remove(id);
            throw;
        }
        reservation.Dispose();
        if (options.Detach)
            return 0;
        int status = Sys.WaitForExit(pid);
        new ContainerLifecycle(store, log).Delete(id, force: true);
        return status;
    }

    private static SafeFd? JoinedNetwork(Spec spec)
    {
        var ns = spec.Linux?.Namespaces?.FirstOrDefault(n => n.Type == "network" && !string.IsNullOrEmpty(n.Path));
        if (ns is null)
            return null;
        try
        {
            return Sys.Open(ns.Path!, OpenFlags.ReadOnly);
        }
        catch (ErrnoException e)
        {
            throw JaulaException.ForField("linux.namespaces", e.Message, e);
        }
    }

    private static int ReadPid(string pidFile, string workPath)
    {
        try
        {
            return int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or OverflowException)
        {
            throw new JaulaException($"criu restore wrote no usable pid file {pidFile} ({e.Message}); criu's log: {Path.Combine(workPath, CriuArguments.RestoreLog)}", e);
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

    private static string MakeDirectory(string path, string flag)
    {
        string full = Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(full);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JaulaException($"{flag} {full}: {e.Message}", e);
        }
    }

    private static string ExistingDirectory(string path, string flag)
    {
        string full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
            throw new JaulaException($"{flag} {full}: no such directory (no checkpoint images there)");
        return full;
    }

    private static ContainerRecord Record(string id, string bundle, string rootfs, Spec spec, int pid, ulong startTime) => new()
    {
        Id = id,
        Bundle = bundle,
        Rootfs = rootfs,
        Pid = pid,
        PidStartTime = startTime,
        PidNamespace = pid == 0 ? null : ProcFs.ReadNamespaceInode(pid, "pid"),
        OwnPidNamespace = spec.Linux?.Namespaces?.Any(n => n.Type == "pid" && string.IsNullOrEmpty(n.Path)) == true,
        Created = Timestamps.Rfc3339Now(),
        Annotations = spec.Annotations,
        Hooks = spec.Hooks,
    };
}
