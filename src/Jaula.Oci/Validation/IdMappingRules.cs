namespace Jaula.Oci;

/// <summary>linux.uidMappings/gidMappings: only with a user namespace, and no empty ranges.</summary>
internal static class IdMappingRules
{
    public static void Check(Spec spec, Problems problems)
    {
        CheckList(spec, spec.Linux?.UidMappings, "linux.uidMappings", problems);
        CheckList(spec, spec.Linux?.GidMappings, "linux.gidMappings", problems);
    }

    /// <summary>Every range must map at least one id; shared with the idmapped mounts of "mounts".</summary>
    public static void CheckSizes(List<IdMapping>? mappings, string field, Problems problems) =>
        Items.Each(mappings, field, problems, (mapping, itemField) =>
        {
            if (mapping.Size == 0)
            {
                problems.Add(FieldPath.Property(itemField, "size"), "must be greater than 0: it is the number of ids mapped");
            }
        });

    private static void CheckList(Spec spec, List<IdMapping>? mappings, string field, Problems problems)
    {
        if (mappings is { Count: > 0 } && !NamespaceQueries.Lists(spec, NamespaceTypes.User))
        {
            problems.Add(field, $"needs a user namespace to map ids into: {NamespaceQueries.HowToAdd(NamespaceTypes.User)}");
        }
        CheckSizes(mappings, field, problems);
    }
}
