using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Init;
using Jaula.Runtime.Sync;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The parent's half of runc's order for a new user namespace with namespaces joined by path: the stage child joins,
/// unshares the user namespace and asks for its maps; after GO it makes the other namespaces and clones the init as
/// our child, sends its pidfd and exits (native/stage.h).
/// </summary>
public static class UserNamespaceAfterJoins
{
    /// <summary>Writes the maps for the stage child and returns the init it cloned; the stage child is reaped.</summary>
    public static SpawnedInit ReceiveInit(SyncChannel channel, SpawnedInit stage, Action<int> writeIdMaps)
    {
        try
        {
            Expect(channel.Receive(), FrameType.UserNamespace);
            writeIdMaps(stage.Pid);
            channel.Send(FrameType.Go);
            return ReceiveSibling(channel, stage);
        }
        catch
        {
            stage.KillAndReap();
            throw;
        }
        finally
        {
            stage.PidFd.Dispose();
        }
    }

    /// <summary>The init the stage child cloned as our child (its PIDFD frame); the stage child is reaped.</summary>
    public static SpawnedInit ReceiveSibling(SyncChannel channel, SpawnedInit stage)
    {
        try
        {
            var frame = channel.Receive(out SafeFd? pidfd);
            if (frame?.Type != FrameType.InitPidfd || pidfd is null)
            {
                pidfd?.Dispose();
                Expect(frame, FrameType.InitPidfd);
                throw new JaulaException("the C stage sent no pidfd for the container's init");
            }
            var init = new SpawnedInit(ProcFs.PidOfPidfd(pidfd), pidfd);
            Sys.WaitForExit(stage.Pid);
            return init;
        }
        catch
        {
            stage.KillAndReap();
            throw;
        }
        finally
        {
            stage.PidFd.Dispose();
        }
    }

    private static void Expect(Frame? frame, FrameType type)
    {
        if (frame?.Type == type)
            return;
        if (frame?.Type == FrameType.Error)
            throw new JaulaException(InitError.TryDecode(frame.Payload)?.Describe() ?? "the C stage failed and its report was unreadable");
        throw new JaulaException(frame is null
            ? "the C stage exited before it made the user namespace (its stderr, if any, is above)"
            : $"the C stage sent an unexpected {frame.Type} message instead of {type}");
    }
}
