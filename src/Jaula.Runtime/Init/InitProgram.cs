using System.Text.Json;
using Jaula.Linux;
using Jaula.Runtime.Hooks;
using Jaula.Runtime.Sync;
using Jaula.Sandbox;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Rootfs;
using Jaula.Sandbox.Rootfs.Plan;

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
        ExecTarget? target;
        InitPlan plan;
        InitSeccomp seccomp;
        SafeFd fdDirectory;
        FinalPhasePlan? final = null;
        SafeFd? hooksPipe = null;
        byte[] encoded = [];
        try
        {
            plan = ReceivePlan(channel, out SafeFd? mountNamespace);
            if (plan.Exec)
                return ExecProgram.Run(channel, plan, mountNamespace);
            mountNamespace?.Dispose();
            fdDirectory = ExecFifo.OpenFdDirectory();
            var mountTrees = MountTreeReceiver.Receive(channel, plan.Spec);
            seccomp = new InitSeccomp(plan.Seccomp);
            target = Prepare(plan, channel, mountTrees);
            if (target is not null)
            {
                final = InitFinalPhase.Plan(plan, target, seccomp, syncFd + 1, reportFd: -1, Personality.Check(plan.Spec.Linux?.Personality))
                    with { FdDirectory = fdDirectory.Value };
                if (final.EarlyListener)
                {
                    // The listener fd must reach the agent through create: the C code loads the filter now, sends the
                    // fd number and READY itself, and waits for HAND_OVER and then the fifo under the filter; the
                    // startContainer hooks run on a thread of their own, which the filter does not bind.
                    final = final with { ReportFd = channel.Socket.Value, Ready = true };
                    if (plan.Spec.Hooks?.StartContainer is { Count: > 0 })
                    {
                        hooksPipe = StartHooksThread.Start(plan, fdDirectory, syncFd + 1);
                        final = final with { FifoFd = hooksPipe.Value, FifoPipe = true };
                    }
                }
                encoded = final.Encode(); // a plan that cannot be encoded fails create, not start
            }
            foreach (string warning in target?.Warnings ?? [])
                channel.Send(FrameType.Warning, System.Text.Encoding.UTF8.GetBytes(warning));
            if (final is { Ready: true })
            {
                InitFinalPhase.Run(encoded, final.PointerSlots); // returns only by throwing: the plan was refused
                GC.KeepAlive(channel); // the C code uses these fds until execve: no finalizer may close them
                GC.KeepAlive(fdDirectory);
                GC.KeepAlive(hooksPipe);
                return 127;
            }
            channel.Send(FrameType.Ready);
            if (!AwaitHandOver(channel))
                return 1;
        }
        catch (Exception e)
        {
            Report(channel, e);
            return 1;
        }
        channel.Dispose();

        try
        {
            if (final is null)
            {
                // Created without a process (config.md allows it): `start` refuses it first; never run anything.
                ExecFifo.WaitForStart(fdDirectory, syncFd + 1, () => "process: missing from config.json, nothing to run");
                return 1;
            }
            if (plan.Spec.Hooks?.StartContainer is { Count: > 0 })
            {
                // The hooks run once `start` opened the fifo; the final phase then writes the byte on that fd.
                var fifo = ExecFifo.OpenForStart(fdDirectory, syncFd + 1);
                if (InitHooks.BeforeStart(plan) is { } failure)
                {
                    ExecFifo.Refuse(fifo, failure);
                    return 1;
                }
                final = final with { FifoFd = fifo.Value, FifoOpen = true };
                encoded = final.Encode();
            }
            InitFinalPhase.Run(encoded, final.PointerSlots);
            GC.KeepAlive(fdDirectory); // the C code opens the fifo through it: no finalizer may close it meanwhile
            return 127;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"jaula init: {e.Message}");
            return ExecFailureStatus(e);
        }
    }

    /// <summary>
    /// create records our pid, then hands the container over; end-of-file first means create died before it could,
    /// and nothing would ever account for us: exit.
    /// </summary>
    private static bool AwaitHandOver(SyncChannel channel)
    {
        var frame = channel.Receive();
        if (frame is null)
            return false;
        if (frame.Type != FrameType.HandOver)
            throw new InvalidDataException($"expected the hand-over, got a {frame.Type} message");
        return true;
    }

    /// <summary>
    /// The C stage made us die with create (PR_SET_PDEATHSIG). From here on nothing waits but on the sync socket, whose
    /// end-of-file tells of create's death as well, while what comes next may forbid prctl (a seccomp filter) or clears
    /// the setting itself (a user switch): give it up now, so it never fires after the hand-over.
    /// </summary>
    internal static void StopDyingWithParent() => Sys.SetParentDeathSignal(0);

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

    /// <summary>The rootfs and the process's settings; null when the config has no process.</summary>
    /// <remarks>
    /// C# compiles the rootfs and the process's settings into a plan (RootfsPlanCompiler, ProcessPlanCompiler) and the
    /// C executor (native/rootfs_plan_exec.c) runs it, handing control back at its pauses for what stays in C# for
    /// now: the createContainer hooks before pivot_root, and the process attributes
    /// (scheduler, I/O priority, memory policy) before the keyring, rlimits, bounding set, cwd and umask.
    /// </remarks>
    private static ExecTarget? Prepare(InitPlan plan, SyncChannel channel, Dictionary<int, SafeFd> mountTrees)
    {
        Sys.Umask(0); // device nodes and directories get exactly the modes asked for; the process umask comes last
        var input = RootfsPlanInput.FromHost(plan.Rootfs, plan.Bundle, OwnCgroup.Parse(plan.HostCgroups)) with
        {
            InUserNamespace = plan.InUserNamespace,
            NoPivot = plan.NoPivot,
            SharedMountNamespace = plan.SharedMountNamespace,
            MountTrees = mountTrees.ToDictionary(t => t.Key, t => t.Value.Value),
            SyncFd = channel.Socket.Value, // the Console operation sends the pty master on it
            Process = ProcessFacts.FromHost(plan.NoNewKeyring ? null : "_ses." + plan.ContainerId),
        };
        var rootfs = new RootfsPlanRunner(RootfsPlanCompiler.Compile(plan.Spec, input));
        ExpectPause(rootfs.RunToPause(), RootfsPause.BeforePivot);
        InitHooks.BeforePivot(channel, plan);
        ExpectPause(rootfs.RunToPause(), RootfsPause.AfterPivot);
        foreach (var tree in mountTrees.Values)
            tree.Dispose();
        if (plan.Spec.Process is null)
        {
            rootfs.RunToEnd(); // session, hostname, sysctls, masked and read-only paths, a read-only root
            StopDyingWithParent();
            return null;
        }
        ExpectPause(rootfs.RunToPause(), RootfsPause.Process);
        StopDyingWithParent();
        ProcessAttributes.Apply(plan.Spec);
        rootfs.RunToEnd(); // keyring, oom_score_adj, rlimits, bounding set, chdir, umask
        return ProcessSetup.AfterPlan(plan.Spec, rootfs.Warnings);
    }

    private static void ExpectPause(RootfsPause got, RootfsPause expected)
    {
        if (got != expected)
            throw new InvalidOperationException($"the rootfs plan stopped at {got}, expected {expected}");
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
