using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>blkio (v1) / io (v2) controller settings.</summary>
public sealed class BlockIoResources
{
    [JsonPropertyName("weight")]
    public ushort? Weight { get; set; }

    [JsonPropertyName("leafWeight")]
    public ushort? LeafWeight { get; set; }

    [JsonPropertyName("weightDevice")]
    public List<BlockIoWeightDevice>? WeightDevice { get; set; }

    /// <summary>Bytes per second.</summary>
    [JsonPropertyName("throttleReadBpsDevice")]
    public List<BlockIoThrottleDevice>? ThrottleReadBpsDevice { get; set; }

    /// <summary>Bytes per second.</summary>
    [JsonPropertyName("throttleWriteBpsDevice")]
    public List<BlockIoThrottleDevice>? ThrottleWriteBpsDevice { get; set; }

    /// <summary>Operations per second.</summary>
    [JsonPropertyName("throttleReadIOPSDevice")]
    public List<BlockIoThrottleDevice>? ThrottleReadIopsDevice { get; set; }

    /// <summary>Operations per second.</summary>
    [JsonPropertyName("throttleWriteIOPSDevice")]
    public List<BlockIoThrottleDevice>? ThrottleWriteIopsDevice { get; set; }
}
