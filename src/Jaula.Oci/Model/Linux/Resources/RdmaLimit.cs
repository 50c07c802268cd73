using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>rdma controller limits of one device; at least one is set.</summary>
public sealed class RdmaLimit
{
    [JsonPropertyName("hcaHandles")]
    public uint? HcaHandles { get; set; }

    [JsonPropertyName("hcaObjects")]
    public uint? HcaObjects { get; set; }
}
