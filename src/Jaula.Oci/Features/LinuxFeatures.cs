using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>The Linux part of <see cref="Features"/> (features-linux.md).</summary>
public sealed class LinuxFeatures
{
    [JsonPropertyName("namespaces")]
    public List<string>? Namespaces { get; set; }

    [JsonPropertyName("capabilities")]
    public List<string>? Capabilities { get; set; }

    [JsonPropertyName("cgroup")]
    public CgroupFeatures? Cgroup { get; set; }

    [JsonPropertyName("seccomp")]
    public SeccompFeatures? Seccomp { get; set; }

    [JsonPropertyName("apparmor")]
    public EnabledFeature? Apparmor { get; set; }

    [JsonPropertyName("selinux")]
    public EnabledFeature? Selinux { get; set; }

    [JsonPropertyName("intelRdt")]
    public IntelRdtFeatures? IntelRdt { get; set; }

    [JsonPropertyName("memoryPolicy")]
    public MemoryPolicyFeatures? MemoryPolicy { get; set; }

    [JsonPropertyName("mountExtensions")]
    public MountExtensionsFeatures? MountExtensions { get; set; }

    [JsonPropertyName("netDevices")]
    public EnabledFeature? NetDevices { get; set; }
}
