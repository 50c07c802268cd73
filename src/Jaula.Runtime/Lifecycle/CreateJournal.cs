using Jaula.Cgroups;
using Jaula.Linux;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// create's side of <see cref="MadeRecord"/>: the cgroup is written down before it is made, the init the moment it
/// exists. A create killed at any point leaves at most what this names, and `delete --force` removes exactly that.
/// </summary>
internal sealed class CreateJournal(StateStore store, string id)
{
    private readonly MadeRecord _made = new();

    public void CgroupAbout(CgroupRecord planned)
    {
        _made.Cgroup = planned;
        store.SaveMade(id, _made);
    }

    public void HostMountsAbout(HostMountsRecord planned)
    {
        _made.HostMounts = planned;
        store.SaveMade(id, _made);
    }

    /// <summary>A child that is already gone (reaped) has nothing left to account for: the steps after it report why.</summary>
    public void Init(int pid)
    {
        if (ProcFs.ReadStat(pid) is not { } stat)
            return;
        _made.Pid = pid;
        _made.PidStartTime = stat.StartTime;
        store.SaveMade(id, _made);
    }
}
