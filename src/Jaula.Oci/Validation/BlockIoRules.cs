namespace Jaula.Oci;

/// <summary>linux.resources.blockIO: a per-device weight entry must set a weight.</summary>
internal static class BlockIoRules
{
    public static void Check(BlockIoResources? blockIo, string field, Problems problems)
    {
        if (blockIo is null)
        {
            return;
        }
        Items.Each(blockIo.WeightDevice, FieldPath.Property(field, "weightDevice"), problems, (device, deviceField) =>
        {
            if (device.Weight is null && device.LeafWeight is null)
            {
                problems.Add(deviceField, "needs weight, leafWeight or both");
            }
        });
        CheckThrottles(blockIo.ThrottleReadBpsDevice, FieldPath.Property(field, "throttleReadBpsDevice"), problems);
        CheckThrottles(blockIo.ThrottleWriteBpsDevice, FieldPath.Property(field, "throttleWriteBpsDevice"), problems);
        CheckThrottles(blockIo.ThrottleReadIopsDevice, FieldPath.Property(field, "throttleReadIOPSDevice"), problems);
        CheckThrottles(blockIo.ThrottleWriteIopsDevice, FieldPath.Property(field, "throttleWriteIOPSDevice"), problems);
    }

    // Only null entries can be wrong here: the serializer already checked the numbers.
    private static void CheckThrottles(List<BlockIoThrottleDevice>? devices, string field, Problems problems) =>
        Items.Each(devices, field, problems, (_, _) => { });
}
