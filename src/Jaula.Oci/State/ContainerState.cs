using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>
/// What `state` prints and hooks read on stdin (runtime.md "State"), plus runc's extra fields
/// (rootfs, created, owner) that engines and tools have come to read.
/// </summary>
public sealed class ContainerState
{
    [JsonPropertyName("ociVersion")]
    public required string OciVersion { get; set; }

    [JsonPropertyName("id")]
    public required string Id { get; set; }

    /// <summary>One of <see cref="ContainerStatus"/>.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; set; }

    /// <summary>Required on Linux while created or running; left out when 0 (no process).</summary>
    [JsonPropertyName("pid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Pid { get; set; }

    /// <summary>Absolute path of the bundle directory.</summary>
    [JsonPropertyName("bundle")]
    public required string Bundle { get; set; }

    /// <summary>Absolute path of the root filesystem (runc extension).</summary>
    [JsonPropertyName("rootfs")]
    public string Rootfs { get; set; } = "";

    /// <summary>Creation time in RFC 3339 with nanoseconds, see <see cref="Rfc3339Nano"/> (runc extension).</summary>
    [JsonPropertyName("created")]
    public string Created { get; set; } = "";

    /// <summary>Name of the user that created the container, "" for root (runc extension).</summary>
    [JsonPropertyName("owner")]
    public string Owner { get; set; } = "";

    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; set; }
}
