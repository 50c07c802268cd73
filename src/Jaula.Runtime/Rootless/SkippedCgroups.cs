using Jaula.Cgroups;
using Jaula.Linux;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Runtime.Rootless;

/// <summary>
/// A rootless container where the user has no delegated cgroup (cgroup v1 gives none): no cgroup is made and the
/// limits are not applied; the notice says so, since a silently unlimited container would mislead.
/// </summary>
public sealed class SkippedCgroups(IRuntimeLog log, bool hasResources) : ICgroupPlacement
{
    public CgroupRecord? Record => null;

    public CgroupEntry? PrepareForClone() => null;

    public void Place(int pid, CgroupBirth birth) =>
        log.Warn("rootless: no delegated cgroup on this host (cgroup v1), so the container gets no cgroup of its own"
            + (hasResources ? " and linux.resources is not applied" : ""));

    public void Remove() { }
}
