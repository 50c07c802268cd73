namespace Jaula.Oci;

/// <summary>
/// process.capabilities: every name must be one Linux defines. The spec has the runtime warn about names it
/// cannot map, but also error on invalid values; an unknown name is almost always a typo that would silently
/// drop a capability, so jaula refuses it.
/// </summary>
internal static class CapabilityRules
{
    private const string Field = "process.capabilities";

    public static void Check(CapabilitiesSpec? capabilities, Problems problems)
    {
        if (capabilities is null)
        {
            return;
        }
        CheckSet(capabilities.Bounding, "bounding", problems);
        CheckSet(capabilities.Effective, "effective", problems);
        CheckSet(capabilities.Inheritable, "inheritable", problems);
        CheckSet(capabilities.Permitted, "permitted", problems);
        CheckSet(capabilities.Ambient, "ambient", problems);
    }

    private static void CheckSet(List<string>? names, string set, Problems problems)
    {
        Items.Each(names, FieldPath.Property(Field, set), problems, (name, field) =>
        {
            if (!LinuxCapabilities.TryGetNumber(name, out _))
            {
                problems.Add(field, $"unknown capability \"{name}\": Linux knows CAP_CHOWN through CAP_CHECKPOINT_RESTORE (see capabilities(7)){Suggestion(name)}");
            }
        });
    }

    private static string Suggestion(string name)
    {
        var upper = name.ToUpperInvariant();
        var candidate = upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
        return LinuxCapabilities.TryGetNumber(candidate, out _) ? $"; did you mean \"{candidate}\"?" : "";
    }
}
