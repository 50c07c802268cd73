using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox.Mounts;

namespace Jaula.Sandbox.Rootfs;

/// <summary>Performs one entry of config.json's mounts[] inside the rootfs.</summary>
public static class MountApplier
{
    /// <summary>Flags a bind mount inherits from its source that a remount must keep: in a user namespace the kernel refuses to clear them.</summary>
    public const MountFlags InheritedFlags = MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec
        | MountFlags.NoAtime | MountFlags.NoDirAtime | MountFlags.RelAtime;

    private const MountFlags PropagationFlags = MountFlags.Private | MountFlags.Slave | MountFlags.Shared | MountFlags.Unbindable;

    public static void Apply(MountSpec mount, int index, MountContext context)
    {
        string field = $"mounts[{index}]";
        var options = MountOptions.Parse(mount.Options);
        string type = string.IsNullOrEmpty(mount.Type) ? (options.IsBind ? "bind" : "") : mount.Type;
        if (type.Length == 0)
            throw new ContainerSetupException(field, $"no type for the mount on {mount.Destination} (give \"type\", or \"bind\" in options)");
        if (options.TmpCopyUp && type != "tmpfs")
            throw new ContainerSetupException(field, $"the tmpcopyup option applies to tmpfs mounts only, not {type}");
        try
        {
            if (type == "cgroup")
                CgroupMount.Apply(mount, options, context);
            else if (type == "bind" || options.IsBind)
                Bind(mount, options, context, field, context.MountTrees.GetValueOrDefault(index));
            else if (type == "sysfs" && context.InUserNamespace)
                MountSysfsOrBindHost(mount, options, context, field);
            else
                MountFilesystem(mount, type, options, context);
            if (context.HostMountNamespace && options.Propagation == 0)
                MakeSlave(context, mount.Destination);
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException(field, $"mount {mount.Source ?? type} on {mount.Destination} (type {type}): {e.Message}", e);
        }
    }

    /// <param name="idmappedTree">The detached idmapped copy of the source the parent made, attached instead of a bind.</param>
    private static void Bind(MountSpec mount, MountOptions options, MountContext context, string field, SafeFd? idmappedTree = null)
    {
        if (string.IsNullOrEmpty(mount.Source))
            throw new ContainerSetupException(field, $"a bind mount on {mount.Destination} needs a source");
        string source = Path.GetFullPath(mount.Source, context.Bundle);
        if (!Sys.TryLstat(source, out _))
            throw new ContainerSetupException(field, $"bind source {source}: no such file or directory; create it on the host or correct the source");
        var sourceStatus = Sys.Stat(source);
        using (var target = sourceStatus.IsDirectory
            ? SecurePath.MkdirAll(context.RootFd, mount.Destination)
            : SecurePath.OpenOrCreateFile(context.RootFd, mount.Destination))
        {
            var flags = MountFlags.Bind | (options.IsRecursiveBind ? MountFlags.Rec : 0);
            if (idmappedTree is not null)
                Sys.MoveMount(idmappedTree, "", target, "", Sys.MOVE_MOUNT_F_EMPTY_PATH | Sys.MOVE_MOUNT_T_EMPTY_PATH);
            else
                Sys.Mount(source, SecurePath.ProcPath(target), null, flags, null);
        }
        // A bind copies the source's flags; the requested ones take a remount of the new mount.
        var wanted = options.Flags & ~(MountFlags.Bind | MountFlags.Rec | MountFlags.Remount | PropagationFlags);
        if (wanted != 0 || options.ClearedFlags != 0)
            Remount(context, mount.Destination, wanted);
        ApplyAfter(options, context, mount.Destination);
    }

    /// <summary>
    /// sysfs needs privilege over the network namespace; in a user namespace that does not own one, the kernel says
    /// EPERM and, as runc does, the host's /sys is bound (recursively) with the mount's options instead.
    /// </summary>
    private static void MountSysfsOrBindHost(MountSpec mount, MountOptions options, MountContext context, string field)
    {
        try
        {
            MountFilesystem(mount, "sysfs", options, context);
        }
        catch (ErrnoException e) when (e.Errno == Errno.EPERM)
        {
            var hostSys = new MountSpec { Destination = mount.Destination, Type = "bind", Source = "/sys", Options = [.. mount.Options ?? [], "rbind"] };
            Bind(hostSys, MountOptions.Parse(hostSys.Options), context, field);
        }
    }

    private static void MountFilesystem(MountSpec mount, string type, MountOptions options, MountContext context)
    {
        // CVE-2023-27561: procfs or sysfs over an image's symlink could land where the image chooses.
        if (type is "proc" or "sysfs" && SecurePath.IsSymlink(context.RootFd, mount.Destination))
            throw new ErrnoException("mount", $"{mount.Destination} (a symlink in the image; {type} is never mounted over a symlink)", Errno.ELOOP);
        using (var target = SecurePath.MkdirAll(context.RootFd, mount.Destination))
        {
            var flags = options.Flags & ~(PropagationFlags | MountFlags.Rec);
            string data = options.Data;
            Sys.Mount(string.IsNullOrEmpty(mount.Source) ? type : mount.Source, SecurePath.ProcPath(target), type, flags,
                data.Length == 0 ? null : data);
            if (options.TmpCopyUp)
                CopyUp(context, mount.Destination, target);
        }
        ApplyAfter(options, context, mount.Destination);
    }

    private static void CopyUp(MountContext context, string destination, SafeFd below)
    {
        using var onTop = SecurePath.TryOpen(context.RootFd, destination) ?? throw new ErrnoException("openat2", destination, Errno.ENOENT);
        TmpCopyUp.Copy(SecurePath.ProcPath(below), SecurePath.ProcPath(onTop));
    }

    /// <summary>Remounts the mount now at <paramref name="destination"/> (reopened: the old fd is the directory beneath it).</summary>
    public static void Remount(MountContext context, string destination, MountFlags flags)
    {
        using var target = SecurePath.TryOpen(context.RootFd, destination)
            ?? throw new ErrnoException("openat2", destination, Errno.ENOENT);
        string path = SecurePath.ProcPath(target);
        var locked = context.InUserNamespace ? Sys.StatfsMountFlags(path) & InheritedFlags : 0;
        Sys.Mount(null, path, null, MountFlags.Bind | MountFlags.Remount | flags | locked, null);
    }

    private static void ApplyAfter(MountOptions options, MountContext context, string destination)
    {
        if (options.Propagation == 0 && options.RecursiveSet == 0 && options.RecursiveClear == 0)
            return;
        using var target = SecurePath.TryOpen(context.RootFd, destination)
            ?? throw new ErrnoException("openat2", destination, Errno.ENOENT);
        string path = SecurePath.ProcPath(target);
        ApplyPropagation(path, options.Propagation);
        if (options.RecursiveSet != 0 || options.RecursiveClear != 0)
            Sys.MountSetattr(target, "", 0x1000 /* AT_EMPTY_PATH */ | 0x8000 /* AT_RECURSIVE */,
                options.RecursiveSet, options.RecursiveClear, 0);
    }

    private static void MakeSlave(MountContext context, string destination)
    {
        using var target = SecurePath.TryOpen(context.RootFd, destination)
            ?? throw new ErrnoException("openat2", destination, Errno.ENOENT);
        Sys.Mount(null, SecurePath.ProcPath(target), null, MountFlags.Slave | MountFlags.Rec, null);
    }

    /// <summary>Each propagation type is its own mount(2) call; MS_REC makes it recursive.</summary>
    public static void ApplyPropagation(string path, MountFlags propagation)
    {
        var recursive = propagation & MountFlags.Rec;
        foreach (var kind in new[] { MountFlags.Private, MountFlags.Slave, MountFlags.Shared, MountFlags.Unbindable })
        {
            if ((propagation & kind) != 0)
                Sys.Mount(null, path, null, kind | recursive, null);
        }
    }
}
