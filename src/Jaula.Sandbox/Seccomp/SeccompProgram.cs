using System.Text.Json.Serialization;

namespace Jaula.Sandbox.Seccomp;

/// <summary>
/// A compiled filter as the parent hands it to the init: classic BPF (struct sock_filter[]), the seccomp(2) flags,
/// and whether it notifies an agent (SECCOMP_FILTER_FLAG_NEW_LISTENER is then part of <see cref="Flags"/>).
/// </summary>
public sealed class SeccompProgram
{
    [JsonPropertyName("bpf")] public required byte[] Bpf { get; init; }
    [JsonPropertyName("flags")] public uint Flags { get; init; }
    [JsonPropertyName("listener")] public bool Listener { get; init; }
}
