using System.Globalization;
using System.Text.Json;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Init;
using Jaula.Runtime.Sync;

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
        ContainerId.Validate(options.Id);
        string bundle = Path.GetFullPath(options.Bundle);
        Spec spec = LoadSpec(bundle);
        UnsupportedFeatures.Reject(spec, options, log);
        string rootfs = ResolveRootfs(spec, bundle);
        var namespaces = NamespacePlan.From(spec);
        if (!namespaces.OwnMount)
            throw JaulaException.ForField("linux.namespaces", "a mount namespace is required (add {\"type\": \"mount\"})");

        using var containerLock = store.Reserve(options.Id);
        var placement = cgroups?.Invoke(spec) ?? new NoCgroups();
        SpawnedInit? init = null;
        try
        {
            init = Launch(options, spec, bundle, rootfs, namespaces, containerLock.Directory, placement);
            var record = Record(options.Id, bundle, rootfs, spec, init.Pid, namespaces.NewPid);
            store.Save(record);
            if (options.PidFile is not null)
                PidFile.Write(options.PidFile, init.Pid);
            log.Debug($"container {options.Id} created, init pid {init.Pid}");
            return new CreatedContainer(record, init);
        }
        catch
        {
            Abort(init, placement, options.Id);
            throw;
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
        if (!Sys.TryLstat(rootfs, out var st))
            throw JaulaException.ForField("root.path", $"{rootfs}: no such file or directory");
        if (st.IsSymlink)
            rootfs = Path.GetFullPath(Sys.ReadLink(rootfs), Path.GetDirectoryName(rootfs)!);
        if (!Directory.Exists(rootfs))
            throw JaulaException.ForField("root.path", $"{rootfs}: not a directory");
        return rootfs;
    }

    private SpawnedInit Launch(CreateOptions options, Spec spec, string bundle, string rootfs, NamespacePlan namespaces,
        string containerDir, ICgroupPlacement placement)
    {
        using var fifo = ExecFifo.Create(containerDir);
        var (parentEnd, childEnd) = Sys.SocketPair();
        using var channel = new SyncChannel(parentEnd);
        using var exe = Sys.Open("/proc/self/exe", OpenFlags.ReadOnly | OpenFlags.CloExec);
        var joins = OpenJoins(namespaces);
        SpawnedInit init;
        try
        {
            init = InitStage.Spawn(new InitSpawnRequest
            {
                CloneFlags = namespaces.CreateFlags,
                UnshareFlags = namespaces.UnshareFlags,
                SyncFd = childEnd,
                FifoFd = fifo,
                ExeFd = exe,
                PreserveFds = options.PreserveFds,
                BecomeRoot = namespaces.InUserNamespace,
                Joins = joins.Select(j => (j.NsType, j.Fd)).ToList(),
                TimeOffsets = TimeOffsetsText(spec),
                Argv = ["jaula", "init", (3 + options.PreserveFds).ToString(CultureInfo.InvariantCulture)],
                Env = ["JAULA_INIT=1"],
            });
        }
        finally
        {
            childEnd.Dispose();
            foreach (var j in joins)
                j.Fd.Dispose();
        }

        try
        {
            if (namespaces.NewUser)
                IdMapWriter.Write(init.Pid, spec.Linux?.UidMappings, spec.Linux?.GidMappings);
            placement.Place(init.Pid);
            channel.Send(FrameType.Go);
            var plan = new InitPlan
            {
                ContainerId = options.Id,
                Bundle = bundle,
                Rootfs = rootfs,
                Spec = spec,
                NoPivot = options.NoPivot,
                NoNewKeyring = options.NoNewKeyring,
                PreserveFds = options.PreserveFds,
                InUserNamespace = namespaces.InUserNamespace,
                OwnMountNamespace = namespaces.OwnMount,
                HostCgroups = [.. File.ReadAllLines($"/proc/{init.Pid}/cgroup")],
            };
            channel.Send(FrameType.Plan, JsonSerializer.SerializeToUtf8Bytes(plan, RuntimeJson.Default.InitPlan));
            AwaitReady(channel, init);
            return init;
        }
        catch
        {
            Kill(init);
            throw;
        }
    }

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

    private void AwaitReady(SyncChannel channel, SpawnedInit init)
    {
        var frame = channel.Receive();
        while (frame?.Type == FrameType.Warning)
        {
            log.Warn(System.Text.Encoding.UTF8.GetString(frame.Payload));
            frame = channel.Receive();
        }
        switch (frame?.Type)
        {
            case FrameType.Ready:
                return;
            case FrameType.Error:
                var error = JsonSerializer.Deserialize(frame.Payload, RuntimeJson.Default.InitError);
                throw new JaulaException(error?.Describe() ?? "the container's init failed without saying why");
            case null:
                int status = Sys.WaitForExit(init.Pid);
                throw new JaulaException($"the container's init exited with status {status} before it was ready");
            default:
                throw new JaulaException($"the container's init sent an unexpected {frame.Type} message");
        }
    }

    private ContainerRecord Record(string id, string bundle, string rootfs, Spec spec, int pid, bool ownPidNamespace)
    {
        var stat = ProcFs.ReadStat(pid) ?? throw new JaulaException($"the container's init (pid {pid}) vanished during create");
        return new ContainerRecord
        {
            Id = id,
            Bundle = bundle,
            Rootfs = rootfs,
            Pid = pid,
            PidStartTime = stat.StartTime,
            PidNamespace = ProcFs.ReadNamespaceInode(pid, "pid"),
            OwnPidNamespace = ownPidNamespace,
            Created = Timestamps.Rfc3339Now(),
            Annotations = spec.Annotations,
        };
    }

    private static void Kill(SpawnedInit init)
    {
        Sys.TryPidfdSendSignal(init.PidFd, 9);
        Sys.WaitForExit(init.Pid);
        init.PidFd.Dispose();
    }

    private void Abort(SpawnedInit? init, ICgroupPlacement placement, string id)
    {
        if (init is not null && Sys.TryReap(init.Pid, out _) is false)
            Kill(init);
        placement.Remove();
        store.Remove(id);
    }
}

/// <summary>A container whose init is our child (until this process exits): `run` waits on it.</summary>
public sealed record CreatedContainer(ContainerRecord Record, SpawnedInit Init);
