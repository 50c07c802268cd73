using Jaula.Oci;

namespace Jaula.Sandbox.Mounts;

/// <summary>
/// Which mounts[] entries are idmapped: those with uidMappings/gidMappings or the idmap/ridmap option. The parent makes
/// their detached trees (it holds the host privilege mount_setattr needs) and the init attaches them in place.
/// </summary>
public static class IdmappedMount
{
    public static bool Wants(MountSpec mount) =>
        mount.UidMappings is { Count: > 0 } || mount.GidMappings is { Count: > 0 } || MountOptions.Parse(mount.Options).Idmap;

    /// <summary>The indices of the idmapped entries, in order: the order in which their trees are sent.</summary>
    public static IReadOnlyList<int> Indices(IReadOnlyList<MountSpec>? mounts) =>
        (mounts ?? []).Select((m, i) => (m, i)).Where(p => Wants(p.m)).Select(p => p.i).ToList();
}
