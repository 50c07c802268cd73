using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>The seccomp filter (config-linux.md "Seccomp"); names follow libseccomp's seccomp.h.</summary>
public sealed class SeccompSpec
{
    /// <summary>An SCMP_ACT_* action for syscalls no rule matches.</summary>
    [JsonPropertyName("defaultAction")]
    public required string DefaultAction { get; set; }

    /// <summary>errno for SCMP_ACT_ERRNO/SCMP_ACT_TRACE default actions (EPERM when null).</summary>
    [JsonPropertyName("defaultErrnoRet")]
    public uint? DefaultErrnoRet { get; set; }

    /// <summary>SCMP_ARCH_* names.</summary>
    [JsonPropertyName("architectures")]
    public List<string>? Architectures { get; set; }

    /// <summary>SECCOMP_FILTER_FLAG_* names.</summary>
    [JsonPropertyName("flags")]
    public List<string>? Flags { get; set; }

    /// <summary>AF_UNIX stream socket that receives the notify fd when SCMP_ACT_NOTIFY is used.</summary>
    [JsonPropertyName("listenerPath")]
    public string? ListenerPath { get; set; }

    [JsonPropertyName("listenerMetadata")]
    public string? ListenerMetadata { get; set; }

    [JsonPropertyName("syscalls")]
    public List<SeccompSyscall>? Syscalls { get; set; }
}
