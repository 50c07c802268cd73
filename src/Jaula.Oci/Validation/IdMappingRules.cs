namespace Jaula.Oci;

/// <summary>
/// linux.uidMappings/gidMappings and the idmapped mounts' mappings: only with a user namespace, no empty ranges, no
/// ranges that overlap on either side, and no more lines than the kernel takes (user_namespaces(7)).
/// </summary>
internal static class IdMappingRules
{
    /// <summary>The kernel's limit on lines of uid_map / gid_map (since Linux 4.15).</summary>
    public const int MaxRanges = 340;

    public static void Check(Spec spec, Problems problems)
    {
        CheckList(spec, spec.Linux?.UidMappings, "linux.uidMappings", problems);
        CheckList(spec, spec.Linux?.GidMappings, "linux.gidMappings", problems);
    }

    /// <summary>What the kernel would refuse in a map file, found before anything is created.</summary>
    public static void CheckRanges(List<IdMapping>? mappings, string field, Problems problems)
    {
        if (mappings is null)
            return;
        if (mappings.Count > MaxRanges)
            problems.Add(field, $"has {mappings.Count} ranges; the kernel accepts at most {MaxRanges} lines in a uid_map or gid_map");
        Items.Each(mappings, field, problems, (mapping, itemField) =>
        {
            IdRules.Check(mapping.ContainerId, FieldPath.Property(itemField, "containerID"), problems);
            IdRules.Check(mapping.HostId, FieldPath.Property(itemField, "hostID"), problems);
            if (mapping.Size == 0)
                problems.Add(FieldPath.Property(itemField, "size"), "must be greater than 0: it is the number of ids mapped");
            else if ((ulong)mapping.ContainerId + mapping.Size > IdRules.MaxMappedEnd || (ulong)mapping.HostId + mapping.Size > IdRules.MaxMappedEnd)
                problems.Add(FieldPath.Property(itemField, "size"), $"makes the range run past 4294967294, the largest id the kernel maps (containerID + size and hostID + size must be at most 4294967295), found {mapping.Size}");
        });
        ReportOverlaps(mappings, field, problems);
    }

    private static void ReportOverlaps(List<IdMapping> mappings, string field, Problems problems)
    {
        for (int i = 0; i < mappings.Count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (mappings[i] is not { Size: > 0 } a || mappings[j] is not { Size: > 0 } b)
                    continue;
                string? side = Overlap(a.ContainerId, b.ContainerId, a.Size, b.Size) ? "containerID"
                    : Overlap(a.HostId, b.HostId, a.Size, b.Size) ? "hostID" : null;
                if (side is not null)
                {
                    problems.Add(FieldPath.Index(field, i),
                        $"overlaps {FieldPath.Index(field, j)} on the {side} side: the kernel refuses a map whose ranges overlap");
                }
            }
        }
    }

    private static bool Overlap(uint start1, uint start2, uint size1, uint size2) =>
        (ulong)start1 < (ulong)start2 + size2 && (ulong)start2 < (ulong)start1 + size1;

    private static void CheckList(Spec spec, List<IdMapping>? mappings, string field, Problems problems)
    {
        if (mappings is { Count: > 0 } && !NamespaceQueries.Lists(spec, NamespaceTypes.User))
        {
            problems.Add(field, $"needs a user namespace to map ids into: {NamespaceQueries.HowToAdd(NamespaceTypes.User)}");
        }
        CheckRanges(mappings, field, problems);
    }
}
