using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>The "linux" section (config-linux.md).</summary>
public sealed class LinuxSpec
{
    [JsonPropertyName("namespaces")]
    public List<NamespaceSpec>? Namespaces { get; set; }

    [JsonPropertyName("uidMappings")]
    public List<IdMapping>? UidMappings { get; set; }

    [JsonPropertyName("gidMappings")]
    public List<IdMapping>? GidMappings { get; set; }

    /// <summary>Clock name ("monotonic", "boottime") to offset, for a new time namespace.</summary>
    [JsonPropertyName("timeOffsets")]
    public Dictionary<string, TimeOffsetSpec>? TimeOffsets { get; set; }

    [JsonPropertyName("devices")]
    public List<DeviceSpec>? Devices { get; set; }

    /// <summary>Host interface name to its settings inside the container.</summary>
    [JsonPropertyName("netDevices")]
    public Dictionary<string, NetDeviceSpec>? NetDevices { get; set; }

    [JsonPropertyName("cgroupsPath")]
    public string? CgroupsPath { get; set; }

    [JsonPropertyName("resources")]
    public LinuxResources? Resources { get; set; }

    /// <summary>private, slave, shared, unbindable or their r-prefixed forms; null or "" keeps jaula's default.</summary>
    [JsonPropertyName("rootfsPropagation")]
    public string? RootfsPropagation { get; set; }

    [JsonPropertyName("seccomp")]
    public SeccompSpec? Seccomp { get; set; }

    [JsonPropertyName("sysctl")]
    public Dictionary<string, string>? Sysctl { get; set; }

    [JsonPropertyName("maskedPaths")]
    public List<string>? MaskedPaths { get; set; }

    [JsonPropertyName("readonlyPaths")]
    public List<string>? ReadonlyPaths { get; set; }

    [JsonPropertyName("mountLabel")]
    public string? MountLabel { get; set; }

    [JsonPropertyName("intelRdt")]
    public IntelRdtSpec? IntelRdt { get; set; }

    [JsonPropertyName("memoryPolicy")]
    public MemoryPolicySpec? MemoryPolicy { get; set; }

    [JsonPropertyName("personality")]
    public PersonalitySpec? Personality { get; set; }
}
