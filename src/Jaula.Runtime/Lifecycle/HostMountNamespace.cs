using Jaula.Oci;
using Jaula.Sandbox.Rootfs;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// linux.namespaces without "mount": the container inherits the runtime's mount namespace (config-linux.md). As runc
/// and crun do, the init binds the rootfs onto itself, makes the config's mounts beneath it and chroots into it; it
/// never touches "/" (no rslave, no pivot_root, no unmount of an old root). Those mounts live in the host's table:
/// create records where they go before it makes any (made.json), and delete, a failed create and `delete --force`
/// after a killed create unmount every one of them (<see cref="HostMountSweep"/>).
/// </summary>
public static class HostMountNamespace
{
    /// <summary>
    /// What cannot be done without a mount namespace of its own. runc refuses masked and read-only paths ("unable to
    /// restrict sys entries without a private MNT namespace"); linux.rootfsPropagation would set the propagation of
    /// the host's own mounts; and a user namespace holds no right over the host's mount namespace (mount and chroot
    /// fail with EPERM), so a config with one is refused before anything is made.
    /// </summary>
    public static void Check(Spec spec, NamespacePlan namespaces)
    {
        var linux = spec.Linux;
        if (linux?.MaskedPaths is { Count: > 0 })
            throw Refused("linux.maskedPaths", "cannot mask paths without a mount namespace of the container's own (as runc); drop them or add {\"type\": \"mount\"} to linux.namespaces");
        if (linux?.ReadonlyPaths is { Count: > 0 })
            throw Refused("linux.readonlyPaths", "cannot make paths read-only without a mount namespace of the container's own (as runc); drop them or add {\"type\": \"mount\"} to linux.namespaces");
        if (!string.IsNullOrEmpty(linux?.RootfsPropagation))
            throw Refused("linux.rootfsPropagation", "would change the propagation of the host's own mounts: without a mount namespace of the container's own it is refused; drop it or add {\"type\": \"mount\"} to linux.namespaces");
        if (namespaces.InUserNamespace)
            throw Refused("linux.namespaces", "a user namespace without a mount namespace cannot mount in the host's mount namespace; add {\"type\": \"mount\"}");
    }

    public static string Warning(string id, string rootfs) =>
        $"container {id} has no mount namespace of its own (linux.namespaces): it shares the host's mount table, its mounts are made under {rootfs} on the host (removed at delete) and only chroot confines it to its rootfs";

    /// <summary>Written down before the init makes a mount: the rootfs as mountinfo spells it and what is there already.</summary>
    public static HostMountsRecord Plan(string rootfs)
    {
        string canonical = HostMountSweep.Canonical(rootfs);
        return new HostMountsRecord { Rootfs = canonical, Before = HostMountSweep.Existing(MountInfo.ReadSelf(), canonical) };
    }

    /// <summary>Unmounts the container's mounts; the mount points that stayed (none when all went).</summary>
    public static List<string> Remove(HostMountsRecord? record) =>
        record is null ? [] : HostMountSweep.Sweep(record.Rootfs, record.Before);

    /// <summary>For delete: mounts that stayed fail it (the container is kept, so a second delete can try again).</summary>
    public static void RemoveOrThrow(string id, HostMountsRecord? record)
    {
        var left = Remove(record);
        if (left.Count > 0)
            throw new JaulaException($"container {id}: {left.Count} of its mounts in the host's mount namespace would not go: {string.Join(", ", left)}");
    }

    private static JaulaException Refused(string field, string cause) => JaulaException.ForField(field, cause);
}
