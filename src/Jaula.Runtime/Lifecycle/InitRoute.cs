using Jaula.Oci;
using Jaula.Sandbox.Mounts;
using Jaula.Sandbox.Seccomp;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// Which init a container gets: the C init (native/c_init.h: no second .NET start) for a container whose whole setup
/// the parent can decide and C can run (hostname, domainname, sysctl, rlimits and oomScoreAdj included: they are
/// operations of the rootfs plan), the managed `jaula init` for the others. <see cref="WhyManaged"/> names the
/// first thing the C init does not do, or null.
/// </summary>
public static class InitRoute
{
    public static string? WhyManaged(Spec spec, NamespacePlan namespaces, SeccompProgram? seccomp)
    {
        var process = spec.Process;
        var linux = spec.Linux;
        if (process is null)
            return "no process";
        if ((spec.Hooks?.CreateContainer?.Count ?? 0) + (spec.Hooks?.StartContainer?.Count ?? 0) > Sandbox.Process.CInitProgram.MaxHooks)
            return $"more than {Sandbox.Process.CInitProgram.MaxHooks} createContainer and startContainer hooks";
        if (seccomp is { Listener: true } || !string.IsNullOrEmpty(linux?.Seccomp?.ListenerPath))
            return "a notifying seccomp profile";
        if (namespaces.Joins.Any(j => j.NsType == Linux.CloneFlags.NewNs))
            return "a mount namespace joined by path";
        if (process.Scheduler is not null || process.IoPriority is not null || linux?.MemoryPolicy is not null || linux?.Personality is not null)
            return "scheduler, ioPriority, memoryPolicy or personality";
        if (!string.IsNullOrEmpty(process.ApparmorProfile) || !string.IsNullOrEmpty(process.SelinuxLabel) || !string.IsNullOrEmpty(linux?.MountLabel))
            return "LSM labels";
        if (process.Args is not { Count: > 0 })
            return "no process.args";
        return WhyManaged(spec.Mounts);
    }

    private static string? WhyManaged(IReadOnlyList<MountSpec>? mounts)
    {
        if (IdmappedMount.Indices(mounts).Any())
            return "an idmapped mount";
        if ((mounts ?? []).Any(m => MountOptions.Parse(m.Options).TmpCopyUp))
            return "a tmpcopyup mount";
        return null;
    }
}
