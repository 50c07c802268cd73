using System.Buffers.Binary;
using Jaula.Linux;
using Jaula.Runtime.Hooks;

namespace Jaula.Runtime.Init;

/// <summary>
/// startContainer hooks in a container whose seccomp filter notifies an agent. That filter goes on the init's main
/// thread at create (its listener must reach the agent through create), and the hooks run at `start`: so they run on
/// a thread of their own, started before the filter, which the filter does not bind (it is loaded without TSYNC and
/// filters only the thread that loads it). The thread opens the exec fifo when `start` does, runs the hooks, and
/// sends the open fifo's fd number on a pipe to the final phase in C (native/final_phase.h, JAULA_FINAL_FIFO_PIPE),
/// which writes the byte and execs; when a hook fails it tells `start` on the fifo and closes the pipe, and the final
/// phase exits. The hooks run as the container's root, before the credential switch, as without a notifying filter.
/// </summary>
internal static class StartHooksThread
{
    /// <summary>The fifo handed to the final phase: kept reachable so no finalizer closes it before execve does.</summary>
    private static SafeFd? s_handedOver;

    /// <summary>Starts the thread; returns the pipe's read end for the final phase's plan.</summary>
    public static SafeFd Start(InitPlan plan, SafeFd fdDirectory, int fifoFd)
    {
        var (read, write) = Sys.Pipe();
        try
        {
            var thread = new Thread(() => Run(plan, fdDirectory, fifoFd, write)) { IsBackground = true, Name = "startContainer hooks" };
            thread.Start();
            return read;
        }
        catch
        {
            read.Dispose();
            write.Dispose();
            throw;
        }
    }

    private static void Run(InitPlan plan, SafeFd fdDirectory, int fifoFd, SafeFd pipe)
    {
        using (pipe)
        {
            SafeFd? fifo = null;
            try
            {
                fifo = ExecFifo.OpenForStart(fdDirectory, fifoFd);
                if (InitHooks.BeforeStart(plan) is { } failure)
                {
                    ExecFifo.Refuse(fifo, failure);
                    return; // the pipe closes: end of file, the final phase exits
                }
                Span<byte> number = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(number, fifo.Value);
                s_handedOver = fifo;
                fifo = null;
                Sys.WriteAll(pipe, number);
            }
            catch (Exception e)
            {
                if (fifo is not null)
                    TryRefuse(fifo, $"hooks.{HookRunner.StartContainer}: {e.Message}");
            }
            finally
            {
                fifo?.Dispose();
            }
        }
    }

    private static void TryRefuse(SafeFd fifo, string failure)
    {
        try
        {
            ExecFifo.Refuse(fifo, failure);
        }
        catch (ErrnoException)
        {
            // `start` sees the init exit instead
        }
    }
}
