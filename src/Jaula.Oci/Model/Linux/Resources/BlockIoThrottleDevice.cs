using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>A per-device rate limit.</summary>
public sealed class BlockIoThrottleDevice
{
    [JsonPropertyName("major")]
    public required long Major { get; set; }

    [JsonPropertyName("minor")]
    public required long Minor { get; set; }

    [JsonPropertyName("rate")]
    public required ulong Rate { get; set; }
}
