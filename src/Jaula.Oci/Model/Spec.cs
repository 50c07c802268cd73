using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>The root of a bundle's config.json (runtime-spec config.md).</summary>
public sealed class Spec
{
    [JsonPropertyName("ociVersion")]
    public required string OciVersion { get; set; }

    [JsonPropertyName("root")]
    public RootSpec? Root { get; set; }

    [JsonPropertyName("mounts")]
    public List<MountSpec>? Mounts { get; set; }

    [JsonPropertyName("process")]
    public ProcessSpec? Process { get; set; }

    /// <summary>Null or "" leaves the UTS namespace's hostname as it is (as runc does).</summary>
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    /// <summary>Null or "" leaves the UTS namespace's domain name as it is.</summary>
    [JsonPropertyName("domainname")]
    public string? Domainname { get; set; }

    [JsonPropertyName("hooks")]
    public HooksSpec? Hooks { get; set; }

    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; set; }

    [JsonPropertyName("linux")]
    public LinuxSpec? Linux { get; set; }

    // Other platforms' sections are kept verbatim so a config survives a round trip; jaula never reads them.
    [JsonPropertyName("solaris")]
    public JsonElement? Solaris { get; set; }

    [JsonPropertyName("windows")]
    public JsonElement? Windows { get; set; }

    [JsonPropertyName("vm")]
    public JsonElement? Vm { get; set; }

    [JsonPropertyName("zos")]
    public JsonElement? Zos { get; set; }

    [JsonPropertyName("freebsd")]
    public JsonElement? FreeBsd { get; set; }
}
