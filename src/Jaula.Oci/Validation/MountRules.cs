namespace Jaula.Oci;

/// <summary>
/// mounts: a destination inside the container, and idmapped-mount mappings given in pairs (config.md "Mounts").
/// Relative destinations stay allowed: the spec deprecates them but says they are relative to "/".
/// </summary>
internal static class MountRules
{
    public static void Check(Spec spec, Problems problems) =>
        Items.Each(spec.Mounts, "mounts", problems, (mount, field) => CheckOne(mount, field, problems));

    private static void CheckOne(MountSpec mount, string field, Problems problems)
    {
        var destination = FieldPath.Property(field, "destination");
        if (string.IsNullOrEmpty(mount.Destination))
        {
            problems.Add(destination, "must not be empty: give the path inside the container, e.g. \"/data\"");
        }
        else
        {
            PathRules.RejectClimbing(mount.Destination, destination, problems);
        }
        CheckMappings(mount, field, problems);
    }

    private static void CheckMappings(MountSpec mount, string field, Problems problems)
    {
        if (mount.UidMappings is null != mount.GidMappings is null)
        {
            var missing = mount.UidMappings is null ? "uidMappings" : "gidMappings";
            var present = mount.UidMappings is null ? "gidMappings" : "uidMappings";
            problems.Add(FieldPath.Property(field, missing), $"is required when {present} is given: an idmapped mount needs both");
        }
        IdMappingRules.CheckRanges(mount.UidMappings, FieldPath.Property(field, "uidMappings"), problems);
        IdMappingRules.CheckRanges(mount.GidMappings, FieldPath.Property(field, "gidMappings"), problems);
    }
}
