namespace Jaula.Oci;

/// <summary>process.rlimits: known types, each once, soft not above hard (config.md "POSIX process").</summary>
internal static class RlimitRules
{
    private const string Field = "process.rlimits";

    public static void Check(List<RlimitSpec>? rlimits, Problems problems)
    {
        var firstFieldByType = new Dictionary<string, string>(StringComparer.Ordinal);
        Items.Each(rlimits, Field, problems, (rlimit, field) =>
        {
            CheckOne(rlimit, field, problems);
            if (rlimit.Type is not null && !firstFieldByType.TryAdd(rlimit.Type, field))
            {
                problems.Add(FieldPath.Property(field, "type"),
                    $"{rlimit.Type} is already set by {firstFieldByType[rlimit.Type]}: each resource may appear once");
            }
        });
    }

    private static void CheckOne(RlimitSpec rlimit, string field, Problems problems)
    {
        if (!LinuxRlimits.TryGetResource(rlimit.Type, out _))
        {
            problems.Add(FieldPath.Property(field, "type"),
                $"unknown resource \"{rlimit.Type}\": use {KnownNames.OneOf(LinuxRlimits.Names)} (see getrlimit(2))");
        }
        if (rlimit.Soft > rlimit.Hard)
        {
            problems.Add(FieldPath.Property(field, "soft"),
                $"the soft limit ({rlimit.Soft}) must not exceed the hard limit ({rlimit.Hard})");
        }
    }
}
