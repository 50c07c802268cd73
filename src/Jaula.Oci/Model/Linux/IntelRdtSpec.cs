using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>Intel Resource Director Technology settings (resctrl).</summary>
public sealed class IntelRdtSpec
{
    /// <summary>resctrl group name; "/" is the default group; null means a group named after the container.</summary>
    [JsonPropertyName("closID")]
    public string? ClosId { get; set; }

    [JsonPropertyName("l3CacheSchema")]
    public string? L3CacheSchema { get; set; }

    /// <summary>Starts with "MB:", one line.</summary>
    [JsonPropertyName("memBwSchema")]
    public string? MemBwSchema { get; set; }

    /// <summary>Lines written to the group's schemata file after the two above.</summary>
    [JsonPropertyName("schemata")]
    public List<string>? Schemata { get; set; }

    [JsonPropertyName("enableMonitoring")]
    public bool? EnableMonitoring { get; set; }
}
