using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>Who the process runs as, in the container's user namespace (config.md "User").</summary>
public sealed class UserSpec
{
    [JsonPropertyName("uid")]
    public required uint Uid { get; set; }

    [JsonPropertyName("gid")]
    public required uint Gid { get; set; }

    /// <summary>Decimal in JSON (63 = 0077); when null the caller's umask is kept.</summary>
    [JsonPropertyName("umask")]
    public uint? Umask { get; set; }

    [JsonPropertyName("additionalGids")]
    public List<uint>? AdditionalGids { get; set; }

    /// <summary>Windows only; kept so such configs round-trip.</summary>
    [JsonPropertyName("username")]
    public string? Username { get; set; }
}
