namespace Jaula.Oci;

/// <summary>linux.memoryPolicy: a known mode, known flags, and nodes where set_mempolicy(2) wants them.</summary>
internal static class MemoryPolicyRules
{
    private const string Field = "linux.memoryPolicy";

    public static void Check(Spec spec, Problems problems)
    {
        var policy = spec.Linux?.MemoryPolicy;
        if (policy is null)
        {
            return;
        }
        Items.RequireKnown(policy.Flags, $"{Field}.flags", KnownNames.MemoryPolicyFlags, "flag", problems);
        if (policy.Mode is null)
        {
            problems.Add($"{Field}.mode", $"is required: use {KnownNames.OneOf(KnownNames.MemoryPolicyModes)}");
        }
        else if (!KnownNames.MemoryPolicyModes.Contains(policy.Mode))
        {
            problems.Add($"{Field}.mode", $"unknown mode \"{policy.Mode}\": use {KnownNames.OneOf(KnownNames.MemoryPolicyModes)}");
        }
        else
        {
            CheckNodes(policy.Mode, policy.Nodes, problems);
        }
    }

    private static void CheckNodes(string mode, string? nodes, Problems problems)
    {
        var hasNodes = !string.IsNullOrEmpty(nodes);
        if (hasNodes && KnownNames.MemoryPolicyModesWithoutNodes.Contains(mode))
        {
            problems.Add($"{Field}.nodes", $"must be empty for {mode}, which takes no nodes, found \"{nodes}\"");
        }
        else if (!hasNodes && KnownNames.MemoryPolicyModesWithNodes.Contains(mode))
        {
            problems.Add($"{Field}.nodes", $"is required for {mode}: give at least one node, e.g. \"0\" or \"0-3,7\"");
        }
    }
}
