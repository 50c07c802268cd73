using Jaula.Cgroups.Systemd;

namespace Jaula.Cgroups;

/// <summary>Builds the manager for a new container (from the host layout) or an existing one (from its record).</summary>
public static class CgroupManagers
{
    public static ICgroupManager ForContainer(CgroupLayout layout, OwnCgroups own, string? cgroupsPath, string containerId,
        Action<string> warn, bool systemd = false)
    {
        if (systemd)
            return ForSystemd(layout, cgroupsPath, containerId, warn);
        HierarchyPath? unified = null;
        if (layout.UnifiedMountPoint is { } root)
        {
            string inner = CgroupPathResolver.Inner(cgroupsPath, containerId, own.PathOf(""));
            unified = new HierarchyPath("", root, CgroupPathResolver.Under(root, inner));
        }
        if (layout.Mode == CgroupMode.Unified)
            return new CgroupV2Manager(unified!, null, warn);
        var hierarchies = layout.V1.Select(h =>
        {
            string inner = CgroupPathResolver.Inner(cgroupsPath, containerId, own.PathOf(h.Key));
            return new HierarchyPath(h.Key, h.MountPoint, CgroupPathResolver.Under(h.MountPoint, inner));
        }).ToList();
        return new CgroupV1Manager(hierarchies, unified, null, warn);
    }

    /// <summary>
    /// The systemd driver needs a unified host: on v1 and hybrid hosts systemd owns each controller hierarchy and
    /// jaula's cgroupfs manager could not work on the unit's directories the way it does on a delegated v2 scope.
    /// </summary>
    public static SystemdCgroupManager ForSystemd(CgroupLayout layout, string? cgroupsPath, string containerId, Action<string> warn,
        Func<SystemdBus>? connect = null)
    {
        if (layout.Mode != CgroupMode.Unified || layout.UnifiedMountPoint is not { } root)
            throw new CgroupException($"--systemd-cgroup: this host's cgroups are {layout.Mode.ToString().ToLowerInvariant()} (cgroup v1 controllers); " +
                "jaula's systemd driver works only on a unified cgroup v2 host, where systemd delegates the container's scope; drop the flag to use the cgroupfs driver");
        var unit = SystemdUnitPath.Parse(cgroupsPath, containerId);
        var fs = new CgroupV2Manager(new HierarchyPath("", root, CgroupPathResolver.Under(root, unit.CgroupPath)), null, warn);
        return new SystemdCgroupManager(unit, containerId, fs, started: false, connect ?? SystemdBus.Connect);
    }

    public static ICgroupManager FromRecord(CgroupRecord record, Action<string> warn, string containerId = "",
        Func<SystemdBus>? connect = null)
    {
        var paths = record.Paths.Select(kv => new HierarchyPath(kv.Key, record.Roots.GetValueOrDefault(kv.Key, "/"), kv.Value)).ToList();
        if (record.SystemdUnit is { } unitName)
        {
            var unit = new SystemdUnitPath(record.SystemdSlice ?? SystemdUnitPath.DefaultSlice, unitName);
            return new SystemdCgroupManager(unit, containerId, new CgroupV2Manager(paths.Single(), record.CreatedParents, warn), started: true,
                connect ?? SystemdBus.Connect);
        }
        if (record.Version == 2)
            return new CgroupV2Manager(paths.Single(), record.CreatedParents, warn);
        return new CgroupV1Manager(paths.Where(p => p.Key != "").ToList(), paths.FirstOrDefault(p => p.Key == ""), record.CreatedParents, warn);
    }
}
