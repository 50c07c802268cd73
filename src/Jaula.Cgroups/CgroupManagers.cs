namespace Jaula.Cgroups;

/// <summary>Builds the manager for a new container (from the host layout) or an existing one (from its record).</summary>
public static class CgroupManagers
{
    public static ICgroupManager ForContainer(CgroupLayout layout, OwnCgroups own, string? cgroupsPath, string containerId,
        Action<string> warn)
    {
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

    public static ICgroupManager FromRecord(CgroupRecord record, Action<string> warn)
    {
        var paths = record.Paths.Select(kv => new HierarchyPath(kv.Key, record.Roots.GetValueOrDefault(kv.Key, "/"), kv.Value)).ToList();
        if (record.Version == 2)
            return new CgroupV2Manager(paths.Single(), record.CreatedParents, warn);
        return new CgroupV1Manager(paths.Where(p => p.Key != "").ToList(), paths.FirstOrDefault(p => p.Key == ""), record.CreatedParents, warn);
    }
}
