using Jaula.Linux;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// How the init enters its cgroup by itself, made before clone: a cgroup2 directory for clone3 to start it in
/// (CLONE_INTO_CGROUP), and the `tasks` files of its v1 hierarchies, into which the C stage's child writes "0" before
/// anything else. Either way no cgroup.procs write by the parent is needed: that write takes the kernel's global
/// cgroup_threadgroup_rwsem, whose writer waits for an RCU grace period (10-15 ms per container on this project's
/// VM), while a thread that moves itself skips it.
/// </summary>
public sealed class CgroupEntry : IDisposable
{
    /// <summary>The container's cgroup2 directory (unified or hybrid host), or null.</summary>
    public SafeFd? Directory { get; init; }

    /// <summary>Its path, for the parent's cgroup.procs write where clone3 refuses CLONE_INTO_CGROUP (also after Dispose).</summary>
    public string? DirectoryPath { get; init; }

    /// <summary>The container's v1 `tasks` files, opened for writing (empty on a unified host).</summary>
    public IReadOnlyList<SafeFd> Tasks { get; init; } = [];

    public void Dispose()
    {
        Directory?.Dispose();
        foreach (var fd in Tasks)
            fd.Dispose();
    }
}
