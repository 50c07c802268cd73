using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>Which parts of linux.intelRdt the runtime implements.</summary>
public sealed class IntelRdtFeatures
{
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    [JsonPropertyName("schemata")]
    public bool? Schemata { get; set; }

    [JsonPropertyName("monitoring")]
    public bool? Monitoring { get; set; }
}
