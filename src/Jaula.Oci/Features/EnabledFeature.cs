using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>A feature that is only ever reported as supported or not.</summary>
public sealed class EnabledFeature
{
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }
}
