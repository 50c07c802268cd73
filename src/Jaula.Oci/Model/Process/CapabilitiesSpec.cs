using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>The five capability sets, each a list of names such as "CAP_KILL".</summary>
public sealed class CapabilitiesSpec
{
    [JsonPropertyName("bounding")]
    public List<string>? Bounding { get; set; }

    [JsonPropertyName("effective")]
    public List<string>? Effective { get; set; }

    [JsonPropertyName("inheritable")]
    public List<string>? Inheritable { get; set; }

    [JsonPropertyName("permitted")]
    public List<string>? Permitted { get; set; }

    [JsonPropertyName("ambient")]
    public List<string>? Ambient { get; set; }
}
