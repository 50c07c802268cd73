using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>Terminal size in characters.</summary>
public sealed class ConsoleSize
{
    [JsonPropertyName("height")]
    public required ulong Height { get; set; }

    [JsonPropertyName("width")]
    public required ulong Width { get; set; }
}
