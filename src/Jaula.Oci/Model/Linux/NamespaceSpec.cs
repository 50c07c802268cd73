using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>A namespace to create (no path) or to join (path).</summary>
public sealed class NamespaceSpec
{
    /// <summary>One of <see cref="NamespaceTypes.All"/>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; set; }

    /// <summary>Absolute path of a namespace file to join, e.g. "/proc/1234/ns/net"; null or "" creates a new one.</summary>
    [JsonPropertyName("path")]
    public string? Path { get; set; }
}
