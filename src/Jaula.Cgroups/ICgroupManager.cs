using Jaula.Cgroups.Stats;
using Jaula.Oci;

namespace Jaula.Cgroups;

/// <summary>
/// One container's cgroup in every hierarchy the host has. Built over root paths (real mounts or a test's temp dir);
/// <see cref="Create"/> makes the directories and remembers which it made, <see cref="Destroy"/> removes them.
/// </summary>
public interface ICgroupManager
{
    /// <summary>1 for v1 (legacy or hybrid hosts), 2 for a unified host.</summary>
    int Version { get; }

    /// <summary>The container's directory per hierarchy: the v1 controllers key ("cpu", "cpu,cpuacct"), "" for cgroup2.</summary>
    IReadOnlyDictionary<string, string> Paths { get; }

    void Create();

    /// <summary>Writes every set field of <paramref name="resources"/>; on update, memory.checkBeforeUpdate is honoured.</summary>
    void Apply(LinuxResources resources, bool update = false);

    void AddProcess(int pid);

    /// <summary>Every process in the cgroup and below it.</summary>
    IReadOnlyList<int> Pids();

    void Freeze();
    void Thaw();
    FreezerState FreezerState();

    /// <summary>Signals every process of the cgroup (SIGKILL through cgroup.kill where the kernel has it).</summary>
    void KillAll(int signal);

    CgroupStats Stats();

    /// <summary>How many processes the OOM killer has killed in this cgroup.</summary>
    ulong OomKillCount();

    /// <summary>Starts counting OOM events (for `events`).</summary>
    IOomWatch WatchOom();

    /// <summary>Removes the container's cgroups (and the parents it created, when empty).</summary>
    void Destroy();

    /// <summary>What a later process (delete, update, pause) needs to rebuild this manager.</summary>
    CgroupRecord ToRecord();
}
