using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>
/// What the runtime sends to a seccomp agent on linux.seccomp.listenerPath (config-linux.md
/// "The Container Process State"); the file descriptors named in <see cref="Fds"/> travel as SCM_RIGHTS.
/// </summary>
public sealed class ContainerProcessState
{
    [JsonPropertyName("ociVersion")]
    public required string OciVersion { get; set; }

    /// <summary>Names of the passed descriptors, in SCM_RIGHTS order, e.g. "seccompFd".</summary>
    [JsonPropertyName("fds")]
    public List<string>? Fds { get; set; }

    [JsonPropertyName("pid")]
    public required int Pid { get; set; }

    /// <summary>linux.seccomp.listenerMetadata, passed through.</summary>
    [JsonPropertyName("metadata")]
    public string? Metadata { get; set; }

    [JsonPropertyName("state")]
    public required ContainerState State { get; set; }
}
