using System.Text.Json;
using Jaula.Linux;
using Jaula.Runtime.Sync;
using Jaula.Sandbox;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Rootfs;

namespace Jaula.Runtime.Init;

/// <summary>
/// `jaula init`: the container's init, exec'd by the C stage inside the new namespaces. It reads the plan from the
/// sync socket, builds the container, reports ready, waits on the exec fifo for `start`, then execs the process.
/// Until it reports ready every failure goes back to the parent, which fails `create` with it.
/// </summary>
public static class InitProgram
{
    /// <param name="syncFd">The sync socket; the exec fifo is the next fd (see native/stage.h).</param>
    public static int Run(int syncFd)
    {
        var channel = new SyncChannel(SafeFd.Own(syncFd));
        ExecTarget target;
        InitPlan plan;
        InitSeccomp seccomp;
        try
        {
            plan = ReceivePlan(channel);
            seccomp = new InitSeccomp(plan.Seccomp, plan.Spec.Process?.NoNewPrivileges == true);
            target = Prepare(plan, seccomp);
            seccomp.BeforeReady(channel);
            foreach (string warning in target.Warnings)
                channel.Send(FrameType.Warning, System.Text.Encoding.UTF8.GetBytes(warning));
            channel.Send(FrameType.Ready);
        }
        catch (Exception e)
        {
            Report(channel, e);
            return 1;
        }
        channel.Dispose();

        try
        {
            ExecFifo.WaitForStart(syncFd + 1);
            // Only the preserved fds (3 .. 3+N-1) and stdio pass to the process.
            Sys.CloseRange((uint)(3 + plan.PreserveFds), uint.MaxValue, Sys.CLOSE_RANGE_CLOEXEC);
            seccomp.Exec(target);
            return 127;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"jaula init: {e.Message}");
            return e is ErrnoException { Errno: Errno.ENOENT } ? 127 : 126;
        }
    }

    private static InitPlan ReceivePlan(SyncChannel channel)
    {
        var frame = channel.Receive() ?? throw new InvalidDataException("the parent closed the sync socket before sending the plan");
        if (frame.Type != FrameType.Plan)
            throw new InvalidDataException($"expected the plan, got a {frame.Type} message");
        return JsonSerializer.Deserialize(frame.Payload, RuntimeJson.Default.InitPlan)
            ?? throw new InvalidDataException("empty plan");
    }

    private static ExecTarget Prepare(InitPlan plan, InitSeccomp seccomp)
    {
        Sys.Umask(0); // device nodes and directories get exactly the modes asked for; the process umask comes last
        var cgroups = OwnCgroup.Parse(plan.HostCgroups);
        var rootfs = new RootfsBuilder(plan.Spec, plan.Rootfs, plan.Bundle, plan.InUserNamespace, plan.NoPivot, cgroups);
        rootfs.Build();
        ProcessSetup.ApplyKernelSettings(plan.Spec);
        rootfs.Finish();
        return ProcessSetup.Prepare(plan.Spec, plan.NoNewKeyring ? null : "_ses." + plan.ContainerId, seccomp.BeforeUserSwitch);
    }

    private static void Report(SyncChannel channel, Exception e)
    {
        var error = e switch
        {
            ContainerSetupException s => new InitError { Field = s.Field, Message = s.Cause, Errno = (s.InnerException as ErrnoException)?.Errno ?? 0 },
            ErrnoException x => new InitError { Message = x.Message, Errno = x.Errno },
            _ => new InitError { Message = $"{e.GetType().Name}: {e.Message}" },
        };
        try
        {
            channel.Send(FrameType.Error, JsonSerializer.SerializeToUtf8Bytes(error, RuntimeJson.Default.InitError));
        }
        catch (ErrnoException)
        {
            Console.Error.WriteLine($"jaula init: {error.Describe()}");
        }
    }
}
