using Jaula.Linux;

namespace Jaula.Sandbox.Rootfs;

/// <summary>What every mount step needs: the rootfs fd, the bundle for relative sources, the namespace facts.</summary>
public sealed class MountContext(SafeFd rootFd, string bundle, bool inUserNamespace, IReadOnlyList<OwnCgroup> hostCgroups,
    IReadOnlyList<MountInfo> hostMounts)
{
    public SafeFd RootFd { get; } = rootFd;
    public string Bundle { get; } = bundle;

    /// <summary>In a user namespace mknod is refused and a bind mount cannot clear flags locked by the host.</summary>
    public bool InUserNamespace { get; } = inUserNamespace;

    /// <summary>The init's cgroups with host paths, for mounts of type "cgroup".</summary>
    public IReadOnlyList<OwnCgroup> HostCgroups { get; } = hostCgroups;

    /// <summary>/proc/self/mountinfo as the init found it, read once before any container mount.</summary>
    public IReadOnlyList<MountInfo> HostMounts { get; } = hostMounts;

    /// <summary>
    /// The container shares the host's mount namespace: a mount without a propagation option of its own turns slave,
    /// so nothing the container mounts beneath a bind of a shared host directory reaches the host (in a namespace of
    /// its own the rslave "/" does that).
    /// </summary>
    public bool HostMountNamespace { get; init; }

    /// <summary>Idmapped mounts[] entries by index: detached trees the parent made, attached here with move_mount.</summary>
    public IReadOnlyDictionary<int, SafeFd> MountTrees { get; init; } = new Dictionary<int, SafeFd>();
}
