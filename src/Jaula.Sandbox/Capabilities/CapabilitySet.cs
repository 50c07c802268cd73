namespace Jaula.Sandbox.Capabilities;

/// <summary>The five capability sets of process.capabilities as masks: bit n is capability n.</summary>
public readonly record struct CapabilitySet(ulong Bounding, ulong Effective, ulong Permitted, ulong Inheritable, ulong Ambient)
{
    /// <summary>Parses the five name lists (null = empty); an unknown name throws <see cref="CapabilityException"/>.</summary>
    public static CapabilitySet Parse(IEnumerable<string>? bounding, IEnumerable<string>? effective,
        IEnumerable<string>? permitted, IEnumerable<string>? inheritable, IEnumerable<string>? ambient) =>
        Parse(bounding, effective, permitted, inheritable, ambient, warnings: null);

    /// <summary>
    /// Like the other overload, but when <paramref name="warnings"/> is given an unknown name is skipped and
    /// reported there instead of thrown: the spec asks runtimes to warn, not fail, about capabilities they cannot map.
    /// </summary>
    public static CapabilitySet Parse(IEnumerable<string>? bounding, IEnumerable<string>? effective,
        IEnumerable<string>? permitted, IEnumerable<string>? inheritable, IEnumerable<string>? ambient,
        ICollection<string>? warnings) => new(
            Mask(bounding, "bounding", warnings),
            Mask(effective, "effective", warnings),
            Mask(permitted, "permitted", warnings),
            Mask(inheritable, "inheritable", warnings),
            Mask(ambient, "ambient", warnings));

    private static ulong Mask(IEnumerable<string>? names, string set, ICollection<string>? warnings)
    {
        ulong mask = 0;
        int index = 0;
        foreach (string name in names ?? [])
        {
            if (CapabilityNames.TryParse(name, out int cap))
                mask |= 1UL << cap;
            else if (warnings is null)
                throw new CapabilityException($"process.capabilities.{set}[{index}]", $"unknown capability \"{name}\"");
            else
                warnings.Add($"process.capabilities.{set}[{index}]: unknown capability \"{name}\", ignored");
            index++;
        }
        return mask;
    }

    /// <summary>"CAP_CHOWN, CAP_KILL" for a mask; for messages.</summary>
    public static string Describe(ulong mask) => string.Join(", ", CapabilityNames.NamesOf(mask));
}
