using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox.Process;

namespace Jaula.Sandbox.Rootfs.Plan;

/// <summary>
/// Turns a validated spec into the rootfs plan, in runc's order: propagation of "/" and the rootfs bind, mounts[],
/// /dev, the working directory, [pause: createContainer hooks], pivot_root, [pause], the new root opened, the
/// terminal (a pty from the container's devpts, its session and /dev/console) or else a session of its own,
/// hostname, domainname and sysctls, masked and read-only paths, a read-only root, and with a process [pause: the
/// process attributes still in C#], keyring, oom_score_adj, rlimits, bounding set, chdir and umask
/// (<see cref="ProcessPlanCompiler"/>). Every decision is made here; the C executor only runs the result.
/// </summary>
public static class RootfsPlanCompiler
{
    private static readonly Dictionary<int, string> BindRootfsHints = new()
    {
        [Errno.EACCES] = " (the container's root is an unprivileged host user: the rootfs and every directory above it must be searchable by it)",
    };

    public static RootfsPlan Compile(Spec spec, RootfsPlanInput input)
    {
        var ops = new List<RootfsOperation>();
        if (input.SharedMountNamespace)
        {
            ops.Add(BindRootfs(input));
            // The rootfs bind (ours) turns private so nothing mounted beneath it reaches the host's peers.
            ops.Add(new() { Kind = RootfsOpKind.MountHost, Path = input.Rootfs, MountFlags = MountFlags.Private | MountFlags.Rec, Field = RootfsField.RootPath });
        }
        else
        {
            PrepareRoot(spec, input, ops);
        }
        ops.Add(new() { Kind = RootfsOpKind.Root, Path = input.Rootfs, Field = RootfsField.RootPath, Context = "opening the rootfs" });
        var mounts = spec.Mounts ?? [];
        for (int i = 0; i < mounts.Count; i++)
            MountCompiler.Compile(mounts[i], i, input, ops);
        bool withPtmx = mounts.Any(m => m.Destination.TrimEnd('/') == "/dev/pts");
        DeviceCompiler.Compile(spec.Linux?.Devices, DeviceCompiler.NeedsDefaults(mounts), withPtmx, input, ops);
        string cwd = spec.Process?.Cwd ?? "/";
        ops.Add(new() { Kind = RootfsOpKind.Mkdir, Path = cwd, Field = RootfsField.Cwd, Context = $"creating the working directory {cwd}" });
        ops.Add(new() { Kind = RootfsOpKind.Pause, Pause = RootfsPause.BeforePivot });
        EnterRoot(spec, input, ops);
        ops.Add(new() { Kind = RootfsOpKind.Pause, Pause = RootfsPause.AfterPivot });
        ops.Add(new() { Kind = RootfsOpKind.Root, Path = "/" }); // every in-root path from here on: the console, masks
        ProcessPlanCompiler.Terminal(spec, input.SyncFd, ops);
        ProcessPlanCompiler.KernelSettings(spec, ops);
        Finish(spec, ops);
        if (spec.Process is not null)
        {
            ops.Add(new() { Kind = RootfsOpKind.Pause, Pause = RootfsPause.Process });
            ProcessPlanCompiler.ProcessSettings(spec, input.Process, ops);
        }
        return new RootfsPlan(ops);
    }

    /// <summary>
    /// Container mounts must not reach the host: "/" becomes rslave (or linux.rootfsPropagation), the parent of the
    /// rootfs private (pivot_root refuses a shared parent), and the rootfs a mount point of its own. An unbindable
    /// "/" could not be bound (EINVAL, where runc 1.1.5 fails): it starts rslave and turns unbindable after pivot_root.
    /// </summary>
    private static void PrepareRoot(Spec spec, RootfsPlanInput input, List<RootfsOperation> ops)
    {
        var propagation = PropagationOf(spec.Linux?.RootfsPropagation);
        if ((propagation & MountFlags.Unbindable) != 0)
            propagation = MountFlags.Slave | MountFlags.Rec;
        ops.Add(new() { Kind = RootfsOpKind.MountHost, Path = "/", MountFlags = propagation | MountFlags.Rec, Field = RootfsField.RootfsPropagation });
        // Always, as runc does: a non-recursive rootfsPropagation can leave the parent shared.
        if (MountInfo.Containing(input.HostMounts, input.Rootfs) is { } parent)
            ops.Add(new() { Kind = RootfsOpKind.MountHost, Path = parent.MountPoint, MountFlags = MountFlags.Private });
        ops.Add(BindRootfs(input));
    }

    private static RootfsOperation BindRootfs(RootfsPlanInput input) => new()
    {
        Kind = RootfsOpKind.MountHost,
        Source = input.Rootfs,
        Path = input.Rootfs,
        MountFlags = MountFlags.Bind | MountFlags.Rec,
        Field = RootfsField.RootPath,
        Context = $"binding the rootfs {input.Rootfs}",
        Hints = input.InUserNamespace ? BindRootfsHints : null,
    };

    private static void EnterRoot(Spec spec, RootfsPlanInput input, List<RootfsOperation> ops)
    {
        if (input.SharedMountNamespace)
        {
            ops.Add(new() { Kind = RootfsOpKind.Chroot, Path = input.Rootfs, Context = $"chroot into {input.Rootfs}" });
            return;
        }
        ops.Add(new()
        {
            Kind = input.NoPivot ? RootfsOpKind.MoveChroot : RootfsOpKind.Pivot,
            Path = input.Rootfs,
            Context = $"pivot_root into {input.Rootfs}",
        });
        if (spec.Linux?.RootfsPropagation is "shared" or "rshared" or "unbindable" or "runbindable")
        {
            var propagation = PropagationOf(spec.Linux.RootfsPropagation);
            foreach (var kind in MountCompiler.PropagationKinds)
            {
                if ((propagation & kind) != 0)
                    ops.Add(new() { Kind = RootfsOpKind.MountHost, Path = "/", MountFlags = kind | (propagation & MountFlags.Rec), Field = RootfsField.RootfsPropagation });
            }
        }
    }

    /// <summary>After the sysctls (they live under /proc/sys, usually read-only in the end), in the new root.</summary>
    private static void Finish(Spec spec, List<RootfsOperation> ops)
    {
        var masked = spec.Linux?.MaskedPaths ?? [];
        if (masked.Count > 0)
            ops.Add(new() { Kind = RootfsOpKind.OpenNull, Field = RootfsField.MaskedPathsList, Context = "opening /dev/null to cover the masked paths" });
        for (int i = 0; i < masked.Count; i++)
            ops.Add(new() { Kind = RootfsOpKind.Mask, Path = masked[i], Field = RootfsField.MaskedPaths, FieldIndex = (uint)i, Context = masked[i] });
        var readOnly = spec.Linux?.ReadonlyPaths ?? [];
        for (int i = 0; i < readOnly.Count; i++)
            ops.Add(new() { Kind = RootfsOpKind.Readonly, Path = readOnly[i], Field = RootfsField.ReadonlyPaths, FieldIndex = (uint)i, Context = readOnly[i] });
        if (spec.Root?.Readonly == true)
        {
            ops.Add(new()
            {
                Kind = RootfsOpKind.Mount,
                Flags = RootfsOpFlags.ResolveExisting | RootfsOpFlags.KeepLocked,
                Path = "/",
                MountFlags = MountFlags.Bind | MountFlags.Remount | MountFlags.ReadOnly,
                Field = RootfsField.RootReadonly,
                Context = "remounting / read-only",
            });
        }
    }

    private static MountFlags PropagationOf(string? rootfsPropagation) => rootfsPropagation switch
    {
        "private" or "rprivate" => MountFlags.Private,
        "shared" or "rshared" => MountFlags.Shared,
        "unbindable" or "runbindable" => MountFlags.Unbindable,
        _ => MountFlags.Slave,
    } | (rootfsPropagation?.StartsWith('r') == true || rootfsPropagation is null ? MountFlags.Rec : 0);
}
