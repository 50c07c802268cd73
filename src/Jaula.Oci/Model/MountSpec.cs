using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>One entry of "mounts", mounted in the listed order (config.md "Mounts").</summary>
public sealed class MountSpec
{
    /// <summary>Path inside the container; relative values are deprecated and taken relative to "/".</summary>
    [JsonPropertyName("destination")]
    public required string Destination { get; set; }

    [JsonPropertyName("source")]
    public string? Source { get; set; }

    [JsonPropertyName("options")]
    public List<string>? Options { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("uidMappings")]
    public List<IdMapping>? UidMappings { get; set; }

    [JsonPropertyName("gidMappings")]
    public List<IdMapping>? GidMappings { get; set; }
}
