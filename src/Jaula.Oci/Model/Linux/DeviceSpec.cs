using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>A device node that must exist in the container (config-linux.md "Devices").</summary>
public sealed class DeviceSpec
{
    /// <summary>"c" (char), "b" (block), "u" (unbuffered char) or "p" (FIFO).</summary>
    [JsonPropertyName("type")]
    public required string Type { get; set; }

    /// <summary>The S_IFMT bits of <see cref="Type"/> (S_IFCHR for "c" and "u", S_IFBLK, S_IFIFO), or 0 for an unknown type.</summary>
    [JsonIgnore]
    public uint FileTypeBits => Type switch
    {
        "c" or "u" => 0x2000,
        "b" => 0x6000,
        "p" => 0x1000,
        _ => 0,
    };

    /// <summary>Absolute path inside the container.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; set; }

    /// <summary>Required unless <see cref="Type"/> is "p".</summary>
    [JsonPropertyName("major")]
    public long? Major { get; set; }

    /// <summary>Required unless <see cref="Type"/> is "p".</summary>
    [JsonPropertyName("minor")]
    public long? Minor { get; set; }

    /// <summary>Permission bits, decimal in JSON (438 = 0666).</summary>
    [JsonPropertyName("fileMode")]
    public uint? FileMode { get; set; }

    [JsonPropertyName("uid")]
    public uint? Uid { get; set; }

    [JsonPropertyName("gid")]
    public uint? Gid { get; set; }
}
