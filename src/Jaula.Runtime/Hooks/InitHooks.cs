using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Init;
using Jaula.Runtime.Sync;

namespace Jaula.Runtime.Hooks;

/// <summary>
/// The init's part of the hooks, run inside the container's namespaces: createContainer before pivot_root (after
/// the parent ran prestart and createRuntime, with executables the parent opened), startContainer once `start` has
/// opened the exec fifo, before the process is exec'd.
/// </summary>
public static class InitHooks
{
    private const uint HookUmask = 0x12; // 0022: the init itself works with 0 while it builds the rootfs

    public static void BeforePivot(SyncChannel channel, InitPlan plan)
    {
        var hooks = plan.Spec.Hooks;
        if (!HookRunner.HasCreateHooks(hooks))
            return;
        channel.Send(FrameType.HooksDue);
        var executables = ReceiveExecutables(channel, hooks?.CreateContainer?.Count ?? 0);
        uint oldMask = Sys.Umask(HookUmask);
        try
        {
            HookRunner.Run(hooks?.CreateContainer, HookRunner.CreateContainer, StateOf(plan, ContainerStatus.Creating), executables);
        }
        finally
        {
            Sys.Umask(oldMask);
            executables.ForEach(fd => fd.Dispose());
        }
    }

    /// <summary>Null when every startContainer hook succeeded, else the failure to report to `start`.</summary>
    public static string? BeforeStart(InitPlan plan)
    {
        try
        {
            HookRunner.Run(plan.Spec.Hooks?.StartContainer, HookRunner.StartContainer, StateOf(plan, ContainerStatus.Created));
            return null;
        }
        catch (HookFailedException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is ErrnoException or IOException or InvalidDataException)
        {
            return $"hooks.{HookRunner.StartContainer}: {e.Message}";
        }
    }

    private static List<SafeFd> ReceiveExecutables(SyncChannel channel, int count)
    {
        var executables = new List<SafeFd>();
        try
        {
            while (true)
            {
                var frame = channel.Receive(out SafeFd? fd);
                if (frame?.Type == FrameType.HookExecutable && fd is not null && executables.Count < count)
                {
                    executables.Add(fd);
                    continue;
                }
                fd?.Dispose();
                if (frame?.Type == FrameType.HooksDone && executables.Count == count)
                    return executables;
                throw new InvalidDataException(frame is null
                    ? "the parent closed the sync socket while the hooks ran"
                    : $"expected a createContainer hook executable or HooksDone, got a {frame.Type} message");
            }
        }
        catch
        {
            executables.ForEach(fd => fd.Dispose());
            throw;
        }
    }

    private static ContainerState StateOf(InitPlan plan, ContainerStatus status)
    {
        var state = plan.HookState ?? throw new InvalidDataException("the plan carries no state for the hooks");
        state.Status = status.ToText();
        return state;
    }
}
