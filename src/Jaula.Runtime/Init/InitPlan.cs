using System.Text.Json.Serialization;
using Jaula.Oci;

namespace Jaula.Runtime.Init;

/// <summary>
/// Everything the init needs, validated and resolved by the parent, so the init never reads config.json and both
/// sides act on one model.
/// </summary>
public sealed class InitPlan
{
    [JsonPropertyName("id")] public required string ContainerId { get; init; }
    [JsonPropertyName("bundle")] public required string Bundle { get; init; }

    /// <summary>root.path made absolute against the bundle.</summary>
    [JsonPropertyName("rootfs")] public required string Rootfs { get; init; }

    /// <summary>The validated spec; on the wire as <see cref="SpecDocument"/>.</summary>
    [JsonIgnore] public Spec Spec { get; init; } = null!;

    [JsonPropertyName("spec")] public PlanSpec SpecDocument { get => new(Spec); init => Spec = value.Spec; }
    [JsonPropertyName("noPivot")] public bool NoPivot { get; init; }
    /// <summary>
    /// No mount namespace of the container's own: the init chroots into the rootfs and leaves "/" alone; an exec gets
    /// the init's root directory instead of its mount namespace, and chroots into it.
    /// </summary>
    [JsonPropertyName("sharedMountNamespace")] public bool SharedMountNamespace { get; init; }
    [JsonPropertyName("noNewKeyring")] public bool NoNewKeyring { get; init; }
    [JsonPropertyName("preserveFds")] public int PreserveFds { get; init; }

    /// <summary>An `exec` into a running container: no rootfs to build, no fifo to wait on; spec.process is the new process.</summary>
    [JsonPropertyName("exec")] public bool Exec { get; init; }

    /// <summary>True when the init runs in a user namespace (new or joined): mknod is refused there.</summary>
    [JsonPropertyName("inUserNamespace")] public bool InUserNamespace { get; init; }

    /// <summary>
    /// The init's cgroups as the host sees them (/proc/&lt;pid&gt;/cgroup read by the parent): inside a cgroup
    /// namespace the init itself would see only "/".
    /// </summary>
    [JsonPropertyName("hostCgroups")] public List<string> HostCgroups { get; init; } = [];

    /// <summary>The state hooks run by the init read on stdin (its status set at each point); pid is the host's.</summary>
    [JsonPropertyName("hookState")] public ContainerState? HookState { get; init; }
    /// <summary>linux.seccomp compiled by the parent, or null.</summary>
    [JsonPropertyName("seccomp")] public Jaula.Sandbox.Seccomp.SeccompProgram? Seccomp { get; init; }
}
