using Jaula.Cgroups.Resctrl;
using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// linux.intelRdt for a container on this host: refused before anything is made where resctrl is not mounted (with
/// whether the CPU has RDT at all), applied to the init right after its cgroup placement and before GO — resctrl's
/// tasks file takes thread ids, and the init is still one thread then, so every thread the runtime starts in it
/// later, and every child, inherits the group.
/// </summary>
public static class ContainerResctrl
{
    /// <summary>The resctrl mount; the refusal when linux.intelRdt is set and there is none.</summary>
    public static string? CheckAvailable(Spec spec)
    {
        if (spec.Linux?.IntelRdt is null)
            return null;
        return ResctrlMount.Find() ?? throw JaulaException.ForField("linux.intelRdt", ResctrlMount.NotMountedReason());
    }

    public static ResctrlRecord? Apply(Spec spec, string containerId, int pid)
    {
        if (spec.Linux?.IntelRdt is not { } rdt)
            return null;
        string root = CheckAvailable(spec)!;
        try
        {
            return new ResctrlGroups(root).Apply(rdt, containerId, pid);
        }
        catch (ResctrlException e)
        {
            throw new JaulaException(e.Message, e);
        }
    }

    /// <summary>An exec'd process is no child of the init: it joins the groups as runc's exec does.</summary>
    public static void Join(ContainerRecord record, int pid)
    {
        if (record.IntelRdt is null)
            return;
        try
        {
            ResctrlGroups.AddProcess(record.IntelRdt, pid);
        }
        catch (ResctrlException e)
        {
            throw new JaulaException(e.Message, e);
        }
    }

    public static void Remove(ResctrlRecord? record, IRuntimeLog log)
    {
        if (record is null)
            return;
        try
        {
            ResctrlGroups.Remove(record);
        }
        catch (ResctrlException e)
        {
            log.Warn(e.Message);
        }
    }
}
