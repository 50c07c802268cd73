using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>CPU lists ("0-3,7") an exec'd process runs on before and after it joins the container's cgroup.</summary>
public sealed class ExecCpuAffinity
{
    [JsonPropertyName("initial")]
    public string? Initial { get; set; }

    [JsonPropertyName("final")]
    public string? Final { get; set; }
}
