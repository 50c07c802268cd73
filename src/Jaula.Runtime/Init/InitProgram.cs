using System.Text.Json;
using Jaula.Linux;
using Jaula.Runtime.Hooks;
using Jaula.Runtime.Sync;
using Jaula.Sandbox;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Rootfs;
using Jaula.Sandbox.Terminal;

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
            plan = ReceivePlan(channel, out SafeFd? mountNamespace);
            if (plan.Exec)
                return ExecProgram.Run(channel, plan, mountNamespace);
            mountNamespace?.Dispose();
            var mountTrees = MountTreeReceiver.Receive(channel, plan.Spec);
            seccomp = new InitSeccomp(plan.Seccomp, plan.Spec.Process?.NoNewPrivileges == true);
            target = Prepare(plan, channel, seccomp, mountTrees);
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
            if (!ExecFifo.WaitForStart(syncFd + 1, () => InitHooks.BeforeStart(plan)))
                return 1;
            // Only the preserved fds (3 .. 3+N-1) and stdio pass to the process.
            Sys.CloseRange((uint)(3 + plan.PreserveFds), uint.MaxValue, Sys.CLOSE_RANGE_CLOEXEC);
            Personality.Apply(plan.Spec.Linux?.Personality);
            seccomp.Exec(target);
            return 127;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"jaula init: {e.Message}");
            return ExecFailureStatus(e);
        }
    }

    /// <param name="mountNamespace">For exec: the container's mount namespace, sent along with the plan.</param>
    private static InitPlan ReceivePlan(SyncChannel channel, out SafeFd? mountNamespace)
    {
        var frame = channel.Receive(out mountNamespace) ?? throw new InvalidDataException("the parent closed the sync socket before sending the plan");
        if (frame.Type != FrameType.Plan)
            throw new InvalidDataException($"expected the plan, got a {frame.Type} message");
        var plan = JsonSerializer.Deserialize(frame.Payload, RuntimeJson.Default.InitPlan)
            ?? throw new InvalidDataException("empty plan");
        return plan.Spec is null ? throw new InvalidDataException("the plan has no spec") : plan;
    }

    private static ExecTarget Prepare(InitPlan plan, SyncChannel channel, InitSeccomp seccomp, Dictionary<int, SafeFd> mountTrees)
    {
        Sys.Umask(0); // device nodes and directories get exactly the modes asked for; the process umask comes last
        var cgroups = OwnCgroup.Parse(plan.HostCgroups);
        var rootfs = new RootfsBuilder(plan.Spec, plan.Rootfs, plan.Bundle, plan.InUserNamespace, plan.NoPivot, cgroups, mountTrees);
        rootfs.Build(() => InitHooks.BeforePivot(channel, plan));
        foreach (var tree in mountTrees.Values)
            tree.Dispose();
        if (plan.Spec.Process?.Terminal == true)
            AttachTerminal(plan, channel); // setsid and the pty as controlling terminal
        else
            NewSession();
        ProcessSetup.ApplyKernelSettings(plan.Spec);
        rootfs.Finish();
        ProcessAttributes.Apply(plan.Spec);
        return ProcessSetup.Prepare(plan.Spec, plan.NoNewKeyring ? null : "_ses." + plan.ContainerId, seccomp.BeforeUserSwitch);
    }

    /// <summary>
    /// The init leads a session of its own, as runc's init does (setsid in every container): criu refuses to dump a
    /// tree whose session leader is outside its pid namespace, and the caller's session is no business of the
    /// container's. EPERM (already a process group leader) leaves it where it is.
    /// </summary>
    private static void NewSession()
    {
        try
        {
            Sys.Setsid();
        }
        catch (ErrnoException e) when (e.Errno == Errno.EPERM) { }
    }

    /// <summary>After pivot_root (the pty comes from the container's devpts), before the root may turn read-only.</summary>
    private static void AttachTerminal(InitPlan plan, SyncChannel channel)
    {
        var (master, peer) = PtyAttacher.Attach(plan.Spec.Process!.ConsoleSize);
        using (master)
        using (peer)
        {
            ConsoleMount.Bind(peer);
            channel.Send(FrameType.Console, [], master);
        }
    }

    /// <summary>A shell's status for a failed execve: 127 when the file is missing, 126 when it cannot run.</summary>
    internal static int ExecFailureStatus(Exception e) => e is ErrnoException { Errno: Errno.ENOENT } ? 127 : 126;

    internal static void Report(SyncChannel channel, Exception e)
    {
        var error = e switch
        {
            HookFailedException h => new InitError { Step = "hook", Message = h.Message },
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
