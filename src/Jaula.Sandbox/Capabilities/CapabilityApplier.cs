using Jaula.Linux;

namespace Jaula.Sandbox.Capabilities;

/// <summary>
/// Gives the container's process its capability sets. Everything here acts on the CALLING THREAD (the kernel keeps
/// capabilities per thread), so the thread that calls these must be the one that execs the process.
/// </summary>
public static class CapabilityApplier
{
    /// <summary>
    /// Refuses, naming the set, any capability outside this thread's bounding set (the host's, e.g. CAP_SYS_RESOURCE
    /// on a host that dropped it): the kernel would only say EPERM, or for the bounding set silently not have it.
    /// Call before <see cref="ApplyBounding"/>.
    /// </summary>
    public static void RequireWithinHostBounding(CapabilitySet set) => RequireWithinHostBounding(set, Sys.CapBoundingSet());

    /// <param name="host">The bounding set of the process that will apply the sets (a fact read by the caller).</param>
    public static void RequireWithinHostBounding(CapabilitySet set, ulong host)
    {
        foreach (var (name, mask) in new[] { ("bounding", set.Bounding), ("effective", set.Effective), ("permitted", set.Permitted),
                     ("inheritable", set.Inheritable), ("ambient", set.Ambient) })
        {
            if ((mask & ~host) is var missing and not 0)
                throw new ContainerSetupException($"process.capabilities.{name}", NotInHost(missing, "the container cannot have"));
        }
    }

    /// <summary>
    /// Drops from the bounding set every capability the kernel knows that <see cref="CapabilitySet.Bounding"/> lacks.
    /// Needs CAP_SETPCAP, so it runs as root, before the user switch.
    /// </summary>
    public static void ApplyBounding(CapabilitySet set)
    {
        for (int cap = 0, last = Sys.LastCap(); cap <= last; cap++)
        {
            if ((set.Bounding & Bit(cap)) != 0 || !Sys.CapBoundingHas(cap))
                continue;
            try
            {
                Sys.CapBoundingDrop(cap);
            }
            catch (ErrnoException e)
            {
                throw new ContainerSetupException("process.capabilities.bounding", DroppingFailed(cap, e), e);
            }
        }
    }

    /// <summary>"dropping CAP_X from the bounding set: prctl(PR_CAPBSET_DROP) capability N: ...".</summary>
    public static string DroppingFailed(int cap, ErrnoException e) => $"dropping {CapabilityNames.Name(cap)} from the bounding set: {e.Message}";

    /// <summary>
    /// The kernel's rules the final phase in C would otherwise meet only as EPERM after `start`: effective must be
    /// within permitted (refused now, naming the field), and an ambient capability must be permitted and inheritable
    /// (skipped with a warning, as runc does: its own default spec asks for such ones). Returns the sets to apply.
    /// </summary>
    public static CapabilitySet CheckForFinalPhase(CapabilitySet set, ICollection<string> warnings)
    {
        if ((set.Effective & ~set.Permitted) is var notPermitted and not 0)
            throw new ContainerSetupException("process.capabilities.effective",
                $"{CapabilitySet.Describe(notPermitted)} must also be in process.capabilities.permitted");
        ulong refused = set.Ambient & ~(set.Permitted & set.Inheritable);
        for (int cap = 0; cap < 64; cap++)
        {
            if ((refused & Bit(cap)) != 0)
                warnings.Add($"process.capabilities.ambient: {CapabilityNames.Name(cap)} can only be ambient if it is also permitted and inheritable; skipped");
        }
        return set with { Ambient = set.Ambient & ~refused };
    }

    /// <summary>
    /// Sets effective, permitted and inheritable (capset), then makes the ambient set exactly
    /// <see cref="CapabilitySet.Ambient"/>. Runs after the user switch; a refusal names the capabilities at fault.
    /// With <paramref name="warnings"/>, an ambient capability the kernel refuses (it must also be permitted and
    /// inheritable) is skipped with a warning instead, as runc does: its own default spec asks for such ones.
    /// </summary>
    public static void Apply(CapabilitySet set, ICollection<string>? warnings = null)
    {
        try
        {
            Sys.CapSet(set.Effective, set.Permitted, set.Inheritable);
        }
        catch (ErrnoException e) when (e.Errno == Errno.EPERM)
        {
            throw ExplainCapsetRefusal(set, e);
        }
        ApplyAmbient(set.Ambient, warnings);
    }

    private static void ApplyAmbient(ulong ambient, ICollection<string>? warnings)
    {
        try
        {
            Sys.AmbientClearAll();
        }
        catch (ErrnoException e) when (e.Errno == Errno.EINVAL && ambient == 0)
        {
            return; // a kernel without ambient capabilities (before 4.3) has none to clear
        }
        for (int cap = 0; cap < 64; cap++)
        {
            if ((ambient & Bit(cap)) == 0)
                continue;
            try
            {
                Sys.AmbientRaise(cap);
            }
            catch (ErrnoException e) when (e.Errno == Errno.EPERM)
            {
                string problem = $"{CapabilityNames.Name(cap)} can only be ambient if it is also permitted and inheritable";
                if (warnings is null)
                    throw new ContainerSetupException("process.capabilities.ambient", problem, e);
                warnings.Add($"process.capabilities.ambient: {problem}; skipped");
            }
        }
    }

    /// <summary>capset only says EPERM; find which of the kernel's rules the requested sets break.</summary>
    private static ContainerSetupException ExplainCapsetRefusal(CapabilitySet set, ErrnoException error)
    {
        var (_, held, heldInheritable) = Sys.CapGet();
        ulong notHeld = ((set.Permitted | set.Effective) & ~held) | (set.Inheritable & ~(held | heldInheritable));
        if (notHeld != 0)
            return new ContainerSetupException("process.capabilities", NotInHost(notHeld, "the container cannot have"), error);
        if ((set.Effective & ~set.Permitted) is var notPermitted and not 0)
            return new ContainerSetupException("process.capabilities.effective",
                $"{CapabilitySet.Describe(notPermitted)} must also be in process.capabilities.permitted", error);
        if ((set.Inheritable & ~(heldInheritable | Sys.CapBoundingSet())) is var unbounded and not 0)
            return new ContainerSetupException("process.capabilities.inheritable",
                $"{CapabilitySet.Describe(unbounded)} must also be in process.capabilities.bounding", error);
        return new ContainerSetupException("process.capabilities", error.Message, error);
    }

    /// <summary>"CAP_X is not in the host's capability bounding set, so {consequence} it".</summary>
    internal static string NotInHost(ulong caps, string consequence)
    {
        bool one = ulong.IsPow2(caps);
        return $"{CapabilitySet.Describe(caps)} {(one ? "is" : "are")} not in the host's capability bounding set, "
            + $"so {consequence} {(one ? "it" : "them")}";
    }

    internal static ulong Bit(int cap) => 1UL << cap;
}
