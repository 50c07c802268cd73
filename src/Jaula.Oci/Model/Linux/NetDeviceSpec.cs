using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>A host network interface moved into the container's network namespace.</summary>
public sealed class NetDeviceSpec
{
    /// <summary>Name inside the container; null keeps the host name; a trailing "%d" lets the kernel number it.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }
}
