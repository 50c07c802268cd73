using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox.Mounts;

namespace Jaula.Sandbox.Rootfs.Plan;

/// <summary>One entry of config.json's mounts[] as rootfs operations, each carrying "mounts[i]".</summary>
public static class MountCompiler
{
    private const MountFlags PropagationFlags = MountFlags.Private | MountFlags.Slave | MountFlags.Shared | MountFlags.Unbindable;

    /// <summary>Each propagation type is its own mount(2) call, in this order; MS_REC makes it recursive.</summary>
    public static readonly MountFlags[] PropagationKinds = [MountFlags.Private, MountFlags.Slave, MountFlags.Shared, MountFlags.Unbindable];

    private const string CgroupRoot = "/sys/fs/cgroup";

    private const MountFlags CgroupCarriedFlags = MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec
        | MountFlags.NoAtime | MountFlags.NoDirAtime | MountFlags.RelAtime | MountFlags.StrictAtime;

    /// <summary>Writes one mount's operations, in order, tagged with <paramref name="index"/>.</summary>
    public static void Compile(MountSpec mount, int index, RootfsPlanInput input, List<RootfsOperation> ops)
    {
        string field = $"mounts[{index}]";
        var options = MountOptions.Parse(mount.Options);
        string type = string.IsNullOrEmpty(mount.Type) ? (options.IsBind ? "bind" : "") : mount.Type;
        if (type.Length == 0)
            throw new ContainerSetupException(field, $"no type for the mount on {mount.Destination} (give \"type\", or \"bind\" in options)");
        if (options.TmpCopyUp && type != "tmpfs")
            throw new ContainerSetupException(field, $"the tmpcopyup option applies to tmpfs mounts only, not {type}");
        var e = new Emitter(ops, (uint)index, $"mount {mount.Source ?? type} on {mount.Destination} (type {type})", input.InUserNamespace);
        if (type == "cgroup")
        {
            Cgroup(mount, options, input, e);
        }
        else if (type == "bind" || options.IsBind)
        {
            Bind(mount, options, input, e, field, input.MountTrees.TryGetValue(index, out int tree) ? tree : -1);
            After(options, e, mount.Destination);
        }
        else if (type == "sysfs" && input.InUserNamespace)
        {
            // sysfs needs privilege over the network namespace; where the user namespace does not own one the kernel
            // says EPERM and, as runc does, the host's /sys is bound (recursively) with the mount's options instead.
            var hostSys = new MountSpec { Destination = mount.Destination, Type = "bind", Source = "/sys", Options = [.. mount.Options ?? [], "rbind"] };
            int at = ops.Count;
            Filesystem(mount, "sysfs", options, e, RootfsOpFlags.AltOnEperm);
            int fallbackFrom = ops.Count;
            Bind(hostSys, MountOptions.Parse(hostSys.Options), input, e, field, -1);
            ops[at] = ops[at] with { Skip = (uint)(ops.Count - fallbackFrom) };
            After(options, e, mount.Destination);
        }
        else
        {
            Filesystem(mount, type, options, e, RootfsOpFlags.None);
            After(options, e, mount.Destination);
        }
        // Sharing the host's mount namespace: a mount without a propagation option of its own turns slave.
        if (input.SharedMountNamespace && options.Propagation == 0)
            e.Mount(RootfsOpFlags.ResolveExisting, mount.Destination, null, null, MountFlags.Slave | MountFlags.Rec, null);
    }

    /// <param name="tree">The detached idmapped copy of the source the parent made (its fd), attached instead of a bind; -1 for none.</param>
    private static void Bind(MountSpec mount, MountOptions options, RootfsPlanInput input, Emitter e, string field, int tree)
    {
        if (string.IsNullOrEmpty(mount.Source))
            throw new ContainerSetupException(field, $"a bind mount on {mount.Destination} needs a source");
        string source = System.IO.Path.GetFullPath(mount.Source, input.Bundle);
        HostFileKind kind;
        try
        {
            kind = input.Probe(source);
        }
        catch (ErrnoException x) // a dangling symlink, a directory we may not search: named with its field
        {
            throw new ContainerSetupException(field, $"mount {mount.Source} on {mount.Destination} (type bind): {x.Message}", x);
        }
        if (kind == HostFileKind.Missing)
            throw new ContainerSetupException(field, $"bind source {source}: no such file or directory; create it on the host or correct the source");
        var resolve = kind == HostFileKind.Directory ? RootfsOpFlags.ResolveMkdir : RootfsOpFlags.ResolveFile;
        if (tree >= 0)
            e.Add(new() { Kind = RootfsOpKind.MoveMount, Flags = resolve, Path = mount.Destination, Fd = tree });
        else
            e.Mount(resolve, mount.Destination, source, null, MountFlags.Bind | (options.IsRecursiveBind ? MountFlags.Rec : 0), null);
        // A bind copies the source's flags; the requested ones take a remount of the new mount.
        var wanted = options.Flags & ~(MountFlags.Bind | MountFlags.Rec | MountFlags.Remount | PropagationFlags);
        if (wanted != 0 || options.ClearedFlags != 0)
            e.Remount(mount.Destination, wanted);
    }

    private static void Filesystem(MountSpec mount, string type, MountOptions options, Emitter e, RootfsOpFlags extra)
    {
        var flags = RootfsOpFlags.ResolveMkdir | extra;
        // CVE-2023-27561: procfs or sysfs over an image's symlink could land where the image chooses.
        if (type is "proc" or "sysfs")
            flags |= RootfsOpFlags.NotSymlink;
        if (options.TmpCopyUp)
            flags |= RootfsOpFlags.CopyUp;
        string data = options.Data;
        e.Mount(flags, mount.Destination, string.IsNullOrEmpty(mount.Source) ? type : mount.Source, type,
            options.Flags & ~(PropagationFlags | MountFlags.Rec), data.Length == 0 ? null : data);
    }

    /// <summary>Propagation (one mount(2) per type) and the recursive attributes (mount_setattr), on the new mount.</summary>
    private static void After(MountOptions options, Emitter e, string destination)
    {
        foreach (var kind in PropagationKinds)
        {
            if ((options.Propagation & kind) != 0)
                e.Mount(RootfsOpFlags.ResolveExisting, destination, null, null, kind | (options.Propagation & MountFlags.Rec), null);
        }
        if (options.RecursiveSet != 0 || options.RecursiveClear != 0)
            e.Add(new() { Kind = RootfsOpKind.SetAttr, Flags = RootfsOpFlags.ResolveExisting, Path = destination, AttrSet = options.RecursiveSet, AttrClear = options.RecursiveClear });
    }

    /// <summary>
    /// A mount of type "cgroup" shows the container its own cgroups. On a cgroup v2 host that is one bind of the
    /// container's cgroup directory; on v1 and hybrid hosts a tmpfs holding one bind per hierarchy (as runc does),
    /// plus the host's alias symlinks (cpu -> cpu,cpuacct).
    /// </summary>
    private static void Cgroup(MountSpec mount, MountOptions options, RootfsPlanInput input, Emitter e)
    {
        var hostMounts = input.HostMounts.Where(m => m.FsType is "cgroup" or "cgroup2").ToList();
        var flags = options.Flags & CgroupCarriedFlags;
        bool readOnly = (options.Flags & MountFlags.ReadOnly) != 0;
        var readOnlyFlag = readOnly ? MountFlags.ReadOnly : 0;
        if (hostMounts.FirstOrDefault(m => m.MountPoint == CgroupRoot && m.FsType == "cgroup2") is { } unified)
        {
            BindHierarchy(input, e, unified, mount.Destination, flags | readOnlyFlag);
            return;
        }
        e.Mount(RootfsOpFlags.ResolveMkdir, mount.Destination, "tmpfs", "tmpfs", flags, "mode=755");
        foreach (var hierarchy in hostMounts.Where(m => m.MountPoint.StartsWith(CgroupRoot + "/", StringComparison.Ordinal)))
        {
            string name = hierarchy.MountPoint[(CgroupRoot.Length + 1)..];
            if (name.Contains('/'))
                continue;
            BindHierarchy(input, e, hierarchy, $"{mount.Destination}/{name}", flags | readOnlyFlag);
        }
        foreach (var (name, target) in input.CgroupAliases)
            e.Add(new() { Kind = RootfsOpKind.Symlink, Path = $"{mount.Destination}/{name}", Source = target });
        if (readOnly)
            e.Mount(RootfsOpFlags.ResolveExisting, mount.Destination, null, null, MountFlags.Remount | MountFlags.ReadOnly | flags, "mode=755");
    }

    private static void BindHierarchy(RootfsPlanInput input, Emitter e, MountInfo hierarchy, string destination, MountFlags flags)
    {
        string hostDir = hierarchy.MountPoint;
        // In a cgroup namespace mountinfo shows the host's hierarchy root as "/../.."; it is the hierarchy's "/".
        string mountRoot = hierarchy.Root.StartsWith("/..", StringComparison.Ordinal) ? "/" : hierarchy.Root;
        if (input.Cgroups.FirstOrDefault(c => c.Matches(hierarchy)) is { } mine && mine.Path.StartsWith(mountRoot, StringComparison.Ordinal))
        {
            string below = mine.Path[mountRoot.Length..].Trim('/');
            string candidate = below.Length == 0 ? hostDir : $"{hostDir}/{below}";
            if (input.Probe(candidate) == HostFileKind.Directory)
                hostDir = candidate;
        }
        e.Mount(RootfsOpFlags.ResolveMkdir, destination, hostDir, null, MountFlags.Bind | MountFlags.Rec, null);
        // A bind of a host mount joins its propagation (a slave of it under the default rslave "/"): where the host
        // shares /sys/fs/cgroup (systemd does), criu refuses to dump a mount whose master is outside the container
        // ("unreachable sharing"). Private, as runc's own cgroup2 mount is: nothing propagates into it either way.
        e.Mount(RootfsOpFlags.ResolveExisting, destination, null, null, MountFlags.Private, null);
        e.Remount(destination, flags);
    }

    /// <summary>Adds operations tagged with the mount's field and context.</summary>
    private sealed class Emitter(List<RootfsOperation> ops, uint index, string context, bool inUserNamespace)
    {
        public void Add(RootfsOperation op) =>
            ops.Add(op with { Field = RootfsField.Mounts, FieldIndex = index, Context = context });

        public void Mount(RootfsOpFlags flags, string path, string? source, string? type, MountFlags mountFlags, string? data) =>
            Add(new() { Kind = RootfsOpKind.Mount, Flags = flags, Path = path, Source = source, FsType = type, MountFlags = mountFlags, Data = data });

        /// <summary>A bind remount of the mount now at path; in a user namespace keeping the flags the host locked.</summary>
        public void Remount(string path, MountFlags flags) =>
            Mount(RootfsOpFlags.ResolveExisting | (inUserNamespace ? RootfsOpFlags.KeepLocked : 0), path, null, null,
                MountFlags.Bind | MountFlags.Remount | flags, null);
    }
}
