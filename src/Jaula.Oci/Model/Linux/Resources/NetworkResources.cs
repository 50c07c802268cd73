using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>net_cls and net_prio controller settings.</summary>
public sealed class NetworkResources
{
    [JsonPropertyName("classID")]
    public uint? ClassId { get; set; }

    [JsonPropertyName("priorities")]
    public List<NetworkPriority>? Priorities { get; set; }
}
