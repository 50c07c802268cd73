using System.Text.Json;
using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Runtime.Hooks;

/// <summary>
/// Runs the hooks of one kind in their listed order with the state of that moment on stdin. The first failure stops
/// the list and is thrown (runtime.md: the operation fails); poststop failures only warn.
/// </summary>
public static class HookRunner
{
    public const string Prestart = "prestart";
    public const string CreateRuntime = "createRuntime";
    public const string CreateContainer = "createContainer";
    public const string StartContainer = "startContainer";
    public const string Poststart = "poststart";
    public const string Poststop = "poststop";

    /// <summary>The kinds in lifecycle order (features.md's "hooks").</summary>
    public static readonly string[] Kinds = [Prestart, CreateRuntime, CreateContainer, StartContainer, Poststart, Poststop];

    /// <param name="executables">Per index, a file opened elsewhere to run instead of resolving the path here.</param>
    public static void Run(IReadOnlyList<HookSpec>? hooks, string kind, ContainerState state, IReadOnlyList<SafeFd>? executables = null)
    {
        if (hooks is not { Count: > 0 })
            return;
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(state, OciJson.Compact.ContainerState);
        for (int i = 0; i < hooks.Count; i++)
            HookProcess.Run(hooks[i], $"hooks.{kind}[{i}]", json, executables?[i]);
    }

    /// <summary>runtime.md step 13: a failing poststop hook is a warning, and the remaining hooks still run.</summary>
    public static void RunPoststop(HooksSpec? hooks, ContainerState state, IRuntimeLog log)
    {
        var list = hooks?.Poststop;
        if (list is not { Count: > 0 })
            return;
        state.Status = ContainerStatus.Stopped.ToText();
        state.Pid = 0;
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(state, OciJson.Compact.ContainerState);
        for (int i = 0; i < list.Count; i++)
        {
            try
            {
                HookProcess.Run(list[i], $"hooks.{Poststop}[{i}]", json);
            }
            catch (HookFailedException e)
            {
                log.Warn($"container {state.Id}: {e.Message}");
            }
        }
    }

    /// <summary>True when the create path must stop before pivot_root for the parent (prestart, createRuntime) or the init (createContainer).</summary>
    public static bool HasCreateHooks(HooksSpec? hooks) =>
        hooks?.Prestart is { Count: > 0 } || hooks?.CreateRuntime is { Count: > 0 } || hooks?.CreateContainer is { Count: > 0 };

    /// <summary>The state of a container whose init <paramref name="pid"/> is still being set up.</summary>
    public static ContainerState Creating(string id, string bundle, string rootfs, Spec spec, int pid) => new()
    {
        OciVersion = OciSpecVersion.Current,
        Id = id,
        Status = ContainerStatus.Creating.ToText(),
        Pid = pid,
        Bundle = bundle,
        Rootfs = rootfs,
        Annotations = spec.Annotations,
    };

    /// <summary>The state a hook reads: what `state` would print at that moment.</summary>
    public static ContainerState State(ContainerRecord record, ContainerStatus status, int pid) => new()
    {
        OciVersion = OciSpecVersion.Current,
        Id = record.Id,
        Status = status.ToText(),
        Pid = pid,
        Bundle = record.Bundle,
        Rootfs = record.Rootfs,
        Created = record.Created,
        Owner = record.Owner,
        Annotations = record.Annotations,
    };
}
