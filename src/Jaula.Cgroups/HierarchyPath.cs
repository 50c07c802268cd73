namespace Jaula.Cgroups;

/// <summary>A container's directory in one hierarchy: the hierarchy's key ("memory", "cpu,cpuacct", "" for cgroup2), its mount point, the directory.</summary>
public sealed record HierarchyPath(string Key, string Root, string Dir)
{
    public bool Holds(string controller) => Key.Split(',').Contains(controller);
}
