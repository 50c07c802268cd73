namespace Jaula.Oci;

/// <summary>linux.timeOffsets: only with a time namespace, only the clocks time_namespaces(7) can move.</summary>
internal static class TimeOffsetRules
{
    private const string Field = "linux.timeOffsets";
    private const long NanosecondsPerSecond = 1_000_000_000;

    public static void Check(Spec spec, Problems problems)
    {
        var offsets = spec.Linux?.TimeOffsets;
        if (offsets is { Count: > 0 } && !NamespaceQueries.Lists(spec, NamespaceTypes.Time))
        {
            problems.Add(Field, $"needs a time namespace: {NamespaceQueries.HowToAdd(NamespaceTypes.Time)}");
        }
        Items.Each(offsets, Field, problems, (clock, offset, field) =>
        {
            if (!KnownNames.TimeNamespaceClocks.Contains(clock))
            {
                problems.Add(field, $"unknown clock \"{clock}\": only {KnownNames.OneOf(KnownNames.TimeNamespaceClocks)} can be offset (see time_namespaces(7))");
            }
            if (offset.Nanosecs >= NanosecondsPerSecond)
            {
                problems.Add(FieldPath.Property(field, "nanosecs"), $"must be less than 1000000000 (put whole seconds in secs), found {offset.Nanosecs}");
            }
        });
    }
}
