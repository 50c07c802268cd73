using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Sandbox.Rootfs;

/// <summary>
/// The init's mount work, in runc's order: <see cref="Build"/> does propagation of "/", the rootfs bind, mounts[],
/// /dev and pivot_root; <see cref="Finish"/> the masked and read-only paths and a read-only root, after the init has
/// written what must go in first (sysctls live under /proc/sys, which is usually read-only in the end).
/// </summary>
public sealed class RootfsBuilder(Spec spec, string rootfs, string bundle, bool inUserNamespace, bool noPivot,
    IReadOnlyList<OwnCgroup> hostCgroups, IReadOnlyDictionary<int, SafeFd>? mountTrees = null)
{
    /// <summary>
    /// No mount namespace of the container's own: "/" is the host's and stays untouched (no propagation change, no
    /// pivot_root, no old root to unmount); the rootfs bind turns private and the init chroots into it, as runc does.
    /// </summary>
    public bool SharedMountNamespace { get; init; }

    /// <param name="beforePivot">Runs after the mounts, right before pivot_root (the createContainer hooks' moment).</param>
    public void Build(Action? beforePivot = null)
    {
        var hostMounts = MountInfo.ReadSelf();
        if (SharedMountNamespace)
            BindRootfsPrivately();
        else
            PrepareRoot(hostMounts);
        using (var rootFd = Sys.Open(rootfs, OpenFlags.Directory | OpenFlags.Path | OpenFlags.CloExec))
        {
            var context = new MountContext(rootFd, bundle, inUserNamespace, hostCgroups, hostMounts)
            {
                MountTrees = mountTrees ?? new Dictionary<int, SafeFd>(),
                HostMountNamespace = SharedMountNamespace,
            };
            var mounts = spec.Mounts ?? [];
            for (int i = 0; i < mounts.Count; i++)
                MountApplier.Apply(mounts[i], i, context);
            bool withPtmx = mounts.Any(m => m.Destination.TrimEnd('/') == "/dev/pts");
            DevicesBuilder.Create(context, spec.Linux?.Devices, DevicesBuilder.NeedsDefaults(mounts), withPtmx);
            CreateCwd(rootFd);
        }
        beforePivot?.Invoke();
        if (SharedMountNamespace)
        {
            Step($"chroot into {rootfs}", () => RootPivot.Chroot(rootfs));
            return;
        }
        Step($"pivot_root into {rootfs}", () =>
        {
            if (noPivot)
                RootPivot.MoveAndChroot(rootfs);
            else
                RootPivot.Pivot(rootfs);
        });
        if (IsSharedOrUnbindable(spec.Linux?.RootfsPropagation))
            Step(null, () => MountApplier.ApplyPropagation("/", PropagationOf(spec.Linux!.RootfsPropagation)), "linux.rootfsPropagation");
    }

    public void Finish()
    {
        PathMasking.Mask(spec.Linux?.MaskedPaths);
        PathMasking.MakeReadonly(spec.Linux?.ReadonlyPaths);
        if (spec.Root?.Readonly == true)
            Step("remounting / read-only", () => PathMasking.RemountReadonly("/"), "root.readonly");
    }

    /// <summary>
    /// Container mounts must not reach the host: "/" becomes rslave (or linux.rootfsPropagation), the parent of the
    /// rootfs private (pivot_root refuses a shared parent), and the rootfs a mount point of its own. An unbindable
    /// "/" could not be bound (EINVAL, where runc 1.1.5 fails): it starts rslave and the new root turns unbindable
    /// after pivot_root, in <see cref="Build"/>.
    /// </summary>
    private void PrepareRoot(IReadOnlyList<MountInfo> hostMounts)
    {
        var propagation = PropagationOf(spec.Linux?.RootfsPropagation);
        if ((propagation & MountFlags.Unbindable) != 0)
            propagation = MountFlags.Slave | MountFlags.Rec;
        Step(null, () => Sys.Mount(null, "/", null, propagation | MountFlags.Rec, null), "linux.rootfsPropagation");
        // Always, as runc does: a non-recursive rootfsPropagation can leave the parent shared.
        if (MountInfo.Containing(hostMounts, rootfs) is { } parent)
            Step(null, () => Sys.Mount(null, parent.MountPoint, null, MountFlags.Private, null));
        BindRootfs();
    }

    private void BindRootfs()
    {
        try
        {
            Sys.Mount(rootfs, rootfs, null, MountFlags.Bind | MountFlags.Rec, null);
        }
        catch (ErrnoException e)
        {
            string hint = inUserNamespace && e.Errno == Errno.EACCES
                ? " (the container's root is an unprivileged host user: the rootfs and every directory above it must be searchable by it)"
                : "";
            throw new ContainerSetupException("root.path", $"binding the rootfs {rootfs}: {e.Message}{hint}", e);
        }
    }

    /// <summary>
    /// In the host's mount namespace: the rootfs bind (a mount of our own) turns private, recursively, so the mounts
    /// made beneath it never propagate to the host's peers and their unmount at delete stays ours. The host's "/" and
    /// the rootfs's parent keep their propagation.
    /// </summary>
    private void BindRootfsPrivately()
    {
        BindRootfs();
        Step(null, () => Sys.Mount(null, rootfs, null, MountFlags.Private | MountFlags.Rec, null), "root.path");
    }

    private void CreateCwd(SafeFd rootFd)
    {
        string cwd = spec.Process?.Cwd ?? "/";
        Step($"creating the working directory {cwd}", () => SecurePath.MkdirAll(rootFd, cwd).Dispose(), "process.cwd");
    }

    private static MountFlags PropagationOf(string? rootfsPropagation) => rootfsPropagation switch
    {
        "private" or "rprivate" => MountFlags.Private,
        "shared" or "rshared" => MountFlags.Shared,
        "unbindable" or "runbindable" => MountFlags.Unbindable,
        _ => MountFlags.Slave,
    } | (rootfsPropagation?.StartsWith('r') == true || rootfsPropagation is null ? MountFlags.Rec : 0);

    private static bool IsSharedOrUnbindable(string? rootfsPropagation) =>
        rootfsPropagation is "shared" or "rshared" or "unbindable" or "runbindable";

    private static void Step(string? context, Action action, string? field = null)
    {
        try
        {
            action();
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException(field, context is null ? e.Message : $"{context}: {e.Message}", e);
        }
    }
}
