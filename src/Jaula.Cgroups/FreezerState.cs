namespace Jaula.Cgroups;

public enum FreezerState
{
    /// <summary>No freezer is available for this cgroup.</summary>
    Undefined,
    Thawed,
    Frozen,
}
