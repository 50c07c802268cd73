namespace Jaula.Oci;

/// <summary>
/// Ids handed to the kernel (setresuid, setgroups, chown, uid_map). The schema allows any uint32, but the kernel
/// reads 4294967295 ((uid_t)-1) as "leave unchanged": a process.user.uid of 4294967295 would keep the init's uid 0.
/// runc refuses every id above 2147483647 ("uids and gids must be in range 0-2147483647"); so does jaula.
/// </summary>
internal static class IdRules
{
    public const uint MaxId = int.MaxValue;

    /// <summary>The largest id the kernel maps: a map range must end below (uid_t)-1.</summary>
    public const ulong MaxMappedEnd = uint.MaxValue;

    public static void Check(uint id, string field, Problems problems)
    {
        if (id > MaxId)
        {
            problems.Add(field, $"must be in range 0-2147483647 (the kernel reads 4294967295 as \"leave the id unchanged\", so larger ids are refused, as runc does), found {id}");
        }
    }

    public static void Check(uint? id, string field, Problems problems)
    {
        if (id is { } value)
        {
            Check(value, field, problems);
        }
    }
}
