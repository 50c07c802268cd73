using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>The net_prio priority of one interface of the runtime's network namespace.</summary>
public sealed class NetworkPriority
{
    [JsonPropertyName("name")]
    public required string Name { get; set; }

    [JsonPropertyName("priority")]
    public required uint Priority { get; set; }
}
