namespace Jaula.Oci;

/// <summary>linux.netDevices: interface names the kernel accepts, and a network namespace to move them into.</summary>
internal static class NetDeviceRules
{
    private const string Field = "linux.netDevices";
    private const int MaxInterfaceNameLength = 15; // IFNAMSIZ - 1

    public static void Check(Spec spec, Problems problems)
    {
        var devices = spec.Linux?.NetDevices;
        if (devices is { Count: > 0 } && !NamespaceQueries.Lists(spec, NamespaceTypes.Network))
        {
            problems.Add(Field, $"needs a network namespace to move the devices into: {NamespaceQueries.HowToAdd(NamespaceTypes.Network)}");
        }
        Items.Each(devices, Field, problems, (hostName, device, field) =>
        {
            CheckName(hostName, field, problems);
            if (device.Name is not null)
            {
                CheckName(device.Name, FieldPath.Property(field, "name"), problems);
            }
        });
    }

    private static void CheckName(string name, string field, Problems problems)
    {
        if (!IsInterfaceName(name))
        {
            problems.Add(field, $"\"{name}\" is not an interface name: use 1 to {MaxInterfaceNameLength} characters without \"/\", \":\" or spaces, other than \".\" and \"..\"");
        }
    }

    private static bool IsInterfaceName(string name) =>
        name.Length is > 0 and <= MaxInterfaceNameLength
        && name is not ("." or "..")
        && !name.AsSpan().ContainsAny("/: \t\r\n");
}
