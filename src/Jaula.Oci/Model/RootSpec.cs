using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>The container's root filesystem (config.md "Root").</summary>
public sealed class RootSpec
{
    /// <summary>Absolute, or relative to the bundle directory (conventionally "rootfs").</summary>
    [JsonPropertyName("path")]
    public required string Path { get; set; }

    [JsonPropertyName("readonly")]
    public bool? Readonly { get; set; }
}
