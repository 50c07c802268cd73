namespace Jaula.Oci;

/// <summary>linux.devices: a known node type, an absolute path, and numbers unless it is a FIFO.</summary>
internal static class DeviceRules
{
    private const uint MaxFileMode = 0x1FF; // 0777, the schema's FileMode bound

    private static readonly string[] Types = ["c", "b", "u", "p"];

    public static void Check(Spec spec, Problems problems) =>
        Items.Each(spec.Linux?.Devices, "linux.devices", problems, (device, field) => CheckOne(device, field, problems));

    private static void CheckOne(DeviceSpec device, string field, Problems problems)
    {
        if (!Types.Contains(device.Type))
        {
            problems.Add(FieldPath.Property(field, "type"),
                $"must be \"c\" (character), \"b\" (block), \"u\" (unbuffered character) or \"p\" (FIFO), found \"{device.Type}\"");
        }
        PathRules.RequireAbsolute(device.Path, FieldPath.Property(field, "path"), "the device's path inside the container (e.g. \"/dev/fuse\")", problems);
        if (device.Type is "c" or "b" or "u")
        {
            RequireNumber(device.Major, device.Type, FieldPath.Property(field, "major"), problems);
            RequireNumber(device.Minor, device.Type, FieldPath.Property(field, "minor"), problems);
        }
        if (PermissionBits(device) > MaxFileMode)
        {
            problems.Add(FieldPath.Property(field, "fileMode"), $"must be at most 511 (0777: permission bits, optionally with the device's own file-type bits; JSON numbers are decimal, so 0666 is written 438), found {device.FileMode}");
        }
        IdRules.Check(device.Uid, FieldPath.Property(field, "uid"), problems);
        IdRules.Check(device.Gid, FieldPath.Property(field, "gid"), problems);
    }

    /// <summary>
    /// fileMode without the file-type bits when they say the device's own type: podman (--privileged, --device) writes
    /// stat's st_mode, e.g. 8576 = S_IFCHR|0600, and runc ORs the type in anyway. Any other bit above 0777 stays.
    /// </summary>
    private static uint PermissionBits(DeviceSpec device)
    {
        const uint typeMask = 0xF000; // S_IFMT
        uint mode = device.FileMode ?? 0;
        uint ownType = device.FileTypeBits;
        return ownType != 0 && (mode & typeMask) == ownType ? mode & ~typeMask : mode;
    }

    private static void RequireNumber(long? number, string type, string field, Problems problems)
    {
        if (number is null)
        {
            problems.Add(field, $"is required for a device of type \"{type}\" (only FIFOs, type \"p\", have no numbers)");
        }
    }
}
