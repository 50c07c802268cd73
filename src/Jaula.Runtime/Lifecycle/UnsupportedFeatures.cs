using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// Config this build cannot honour yet is refused with a clear error rather than silently ignored: a container that
/// runs without the seccomp filter or the limits it asked for is worse than one that does not start.
/// </summary>
public static class UnsupportedFeatures
{
    public static void Reject(Spec spec, CreateOptions options, IRuntimeLog log)
    {
        if (options.ConsoleSocket is not null)
            throw new JaulaException("--console-socket: not supported yet by this jaula build (terminals)");
        if (spec.Process?.Terminal == true)
            throw NotYet("process.terminal", "terminals", "set it to false");
        SecurityLabelCheck.Run(spec);
        if (spec.Hooks is { } hooks && HasAny(hooks))
            throw NotYet("hooks", "hooks");
        if (spec.Linux?.IntelRdt is not null)
            throw NotYet("linux.intelRdt", "Intel RDT");
        if (spec.Linux?.Personality is not null)
            throw NotYet("linux.personality", "personality");
        if (spec.Process?.Scheduler is not null)
            throw NotYet("process.scheduler", "scheduler settings");
        if (spec.Process?.IoPriority is not null)
            throw NotYet("process.ioPriority", "I/O priority");
        if (spec.Mounts?.Any(m => m.UidMappings is { Count: > 0 } || m.GidMappings is { Count: > 0 }) == true)
            throw NotYet("mounts[].uidMappings", "idmapped mounts");
        NoCgroups.RejectResources(spec);
        if (!string.IsNullOrEmpty(spec.Linux?.CgroupsPath))
            log.Warn($"linux.cgroupsPath \"{spec.Linux!.CgroupsPath}\" is ignored: cgroups are not supported yet by this jaula build");
    }

    private static bool HasAny(HooksSpec hooks) =>
        hooks.Prestart is { Count: > 0 } || hooks.CreateRuntime is { Count: > 0 } || hooks.CreateContainer is { Count: > 0 }
        || hooks.StartContainer is { Count: > 0 } || hooks.Poststart is { Count: > 0 } || hooks.Poststop is { Count: > 0 };

    private static JaulaException NotYet(string field, string feature, string? hint = null) =>
        JaulaException.ForField(field, $"not supported yet by this jaula build ({feature})" + (hint is null ? "" : $"; {hint}"));
}
