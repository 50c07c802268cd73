using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>A range of ids mapped from the host into the container (user namespace or idmapped mount).</summary>
public sealed class IdMapping
{
    [JsonPropertyName("containerID")]
    public required uint ContainerId { get; set; }

    [JsonPropertyName("hostID")]
    public required uint HostId { get; set; }

    [JsonPropertyName("size")]
    public required uint Size { get; set; }
}
