using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>What `features` prints: the spec versions and names this runtime recognizes (features.md).</summary>
public sealed class Features
{
    [JsonPropertyName("ociVersionMin")]
    public required string OciVersionMin { get; set; }

    [JsonPropertyName("ociVersionMax")]
    public required string OciVersionMax { get; set; }

    [JsonPropertyName("hooks")]
    public List<string>? Hooks { get; set; }

    [JsonPropertyName("mountOptions")]
    public List<string>? MountOptions { get; set; }

    [JsonPropertyName("linux")]
    public LinuxFeatures? Linux { get; set; }

    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>config.json annotation keys that change the runtime's behaviour; a trailing "." makes a prefix.</summary>
    [JsonPropertyName("potentiallyUnsafeConfigAnnotations")]
    public List<string>? PotentiallyUnsafeConfigAnnotations { get; set; }
}
