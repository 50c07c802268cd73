using Jaula.Linux;

namespace Jaula.Sandbox.Capabilities;

/// <summary>
/// The spec asks runtimes to warn, not fail, when process.capabilities asks for something the host cannot grant.
/// This trims a requested set to what the kernel will accept from this thread, one warning per trimmed set.
/// Call it before <see cref="CapabilityApplier.ApplyBounding"/> and before the user switch (it reads the thread's
/// permitted and bounding sets, which those change); then apply the result instead of the request.
/// </summary>
public static class GrantableCapabilities
{
    public static CapabilitySet Restrict(CapabilitySet wanted, ICollection<string> warnings)
    {
        var (_, held, heldInheritable) = Sys.CapGet();
        ulong hostBounding = Sys.CapBoundingSet();

        ulong bounding = Keep(wanted.Bounding, hostBounding, "bounding", warnings, "the container runs without");
        ulong permitted = Keep(wanted.Permitted, held, "permitted", warnings, "the container runs without");
        ulong effective = Keep(wanted.Effective, permitted, "effective", warnings, null);
        // capset: a new inheritable capability must be inheritable already or permitted, and within the bounding set.
        ulong inheritable = Keep(wanted.Inheritable, (heldInheritable | held) & (heldInheritable | bounding),
            "inheritable", warnings, null);
        ulong ambient = Keep(wanted.Ambient, permitted & inheritable, "ambient", warnings, null);
        return new CapabilitySet(bounding, effective, permitted, inheritable, ambient);
    }

    private static ulong Keep(ulong wanted, ulong possible, string set, ICollection<string> warnings, string? hostReason)
    {
        ulong dropped = wanted & ~possible;
        if (dropped != 0)
        {
            string why = hostReason is null
                ? $"{CapabilitySet.Describe(dropped)} cannot be granted (the kernel requires it in {Requirement(set)}), ignored"
                : CapabilityApplier.NotInHost(dropped, hostReason);
            warnings.Add($"process.capabilities.{set}: {why}");
        }
        return wanted & possible;
    }

    private static string Requirement(string set) => set switch
    {
        "effective" => "the permitted set",
        "inheritable" => "the permitted and bounding sets",
        _ => "both the permitted and inheritable sets",
    };
}
