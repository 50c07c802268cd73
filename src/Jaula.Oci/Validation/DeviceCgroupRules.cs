namespace Jaula.Oci;

/// <summary>linux.resources.devices: the device cgroup list's types and access letters.</summary>
internal static class DeviceCgroupRules
{
    public static void Check(List<DeviceCgroupRule>? rules, string field, Problems problems) =>
        Items.Each(rules, field, problems, (rule, ruleField) =>
        {
            if (rule.Type is not (null or "a" or "c" or "b"))
            {
                problems.Add(FieldPath.Property(ruleField, "type"), $"must be \"a\" (all), \"c\" (character) or \"b\" (block), found \"{rule.Type}\"");
            }
            if (rule.Access is not null && !IsAccess(rule.Access))
            {
                problems.Add(FieldPath.Property(ruleField, "access"), $"must be made of the letters r, w and m, each at most once, found \"{rule.Access}\"");
            }
        });

    private static bool IsAccess(string access) =>
        !access.AsSpan().ContainsAnyExcept("rwm") && access.Distinct().Count() == access.Length;
}
