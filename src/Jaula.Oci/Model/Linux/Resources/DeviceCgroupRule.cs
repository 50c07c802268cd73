using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>One entry of the device cgroup allow/deny list.</summary>
public sealed class DeviceCgroupRule
{
    [JsonPropertyName("allow")]
    public required bool Allow { get; set; }

    /// <summary>"a" (all), "c" or "b"; null means all.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>Null means any ("*").</summary>
    [JsonPropertyName("major")]
    public long? Major { get; set; }

    /// <summary>Null means any ("*").</summary>
    [JsonPropertyName("minor")]
    public long? Minor { get; set; }

    /// <summary>Some of "r", "w", "m".</summary>
    [JsonPropertyName("access")]
    public string? Access { get; set; }
}
