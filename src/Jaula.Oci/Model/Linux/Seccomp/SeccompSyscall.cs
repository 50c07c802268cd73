using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>A seccomp rule: an action for the named syscalls, optionally only for matching arguments.</summary>
public sealed class SeccompSyscall
{
    [JsonPropertyName("names")]
    public required List<string> Names { get; set; }

    /// <summary>An SCMP_ACT_* action.</summary>
    [JsonPropertyName("action")]
    public required string Action { get; set; }

    /// <summary>errno for SCMP_ACT_ERRNO/SCMP_ACT_TRACE (EPERM when null).</summary>
    [JsonPropertyName("errnoRet")]
    public uint? ErrnoRet { get; set; }

    [JsonPropertyName("args")]
    public List<SeccompArg>? Args { get; set; }
}
