using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>Which cgroup managers the runtime implements.</summary>
public sealed class CgroupFeatures
{
    [JsonPropertyName("v1")]
    public bool? V1 { get; set; }

    [JsonPropertyName("v2")]
    public bool? V2 { get; set; }

    [JsonPropertyName("systemd")]
    public bool? Systemd { get; set; }

    [JsonPropertyName("systemdUser")]
    public bool? SystemdUser { get; set; }

    [JsonPropertyName("rdma")]
    public bool? Rdma { get; set; }
}
