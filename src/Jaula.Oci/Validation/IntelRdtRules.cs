namespace Jaula.Oci;

/// <summary>linux.intelRdt: one-line schemata, "MB:" bandwidth schema, and a group name that stays inside resctrl.</summary>
internal static class IntelRdtRules
{
    private const string Field = "linux.intelRdt";
    private const string DefaultGroup = "/";

    public static void Check(Spec spec, Problems problems)
    {
        var rdt = spec.Linux?.IntelRdt;
        if (rdt is null)
        {
            return;
        }
        if (rdt.ClosId is { } closId && closId != DefaultGroup && !IsGroupName(closId))
        {
            problems.Add($"{Field}.closID", $"must be a resctrl group name (no \"/\", not \".\" or \"..\") or \"/\" for the default group, found \"{closId}\"");
        }
        if (rdt.MemBwSchema is { } memBw && (!memBw.StartsWith("MB:", StringComparison.Ordinal) || HasNewline(memBw)))
        {
            problems.Add($"{Field}.memBwSchema", $"must start with \"MB:\" and be one line, e.g. \"MB:0=20;1=70\", found \"{memBw}\"");
        }
        if (rdt.L3CacheSchema is { } l3 && HasNewline(l3))
        {
            problems.Add($"{Field}.l3CacheSchema", "must be one line, e.g. \"L3:0=7f0;1=1f\"");
        }
        Items.Each(rdt.Schemata, $"{Field}.schemata", problems, (line, field) =>
        {
            if (HasNewline(line))
            {
                problems.Add(field, "must be one line: give each line of the schemata file as its own entry");
            }
        });
    }

    private static bool IsGroupName(string name) =>
        name.Length > 0 && name is not ("." or "..") && !name.Contains('/');

    private static bool HasNewline(string text) => text.AsSpan().ContainsAny('\n', '\r');
}
