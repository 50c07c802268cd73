using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>A per-device weight; at least one of the two weights is set.</summary>
public sealed class BlockIoWeightDevice
{
    [JsonPropertyName("major")]
    public required long Major { get; set; }

    [JsonPropertyName("minor")]
    public required long Minor { get; set; }

    [JsonPropertyName("weight")]
    public ushort? Weight { get; set; }

    [JsonPropertyName("leafWeight")]
    public ushort? LeafWeight { get; set; }
}
