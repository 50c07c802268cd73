using Jaula.Linux;
using Jaula.Runtime.Sync;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Terminal;

namespace Jaula.Runtime.Init;

/// <summary>
/// `jaula init` for the execs ExecRoute keeps managed (a terminal, a notifying filter, process attributes, LSM labels;
/// the others run the same steps in C: native/c_init.h, JAULA_INIT_EXEC). The C stage has joined every namespace of the container but the mount namespace, and the
/// parent has put us in its cgroups. The mount namespace comes with the plan: this thread leaves the filesystem
/// attributes it shares with the runtime's other threads (unshare CLONE_FS) and joins it alone — as Go programs do —
/// so / becomes the container's root for the thread that later calls execve, and execve takes the whole process
/// along. Then the process: a terminal if asked, the same steps as the init's (rlimits, capabilities, user, cwd,
/// no_new_privs, decided here and applied by the final phase in C), and execve. The sync socket is close-on-exec, so the parent reads end-of-file once the exec
/// succeeded, or an ERROR frame if it did not. Capabilities and no_new_privs are per thread: they too are set on
/// this thread, the one that execs.
/// </summary>
public static class ExecProgram
{
    public static int Run(SyncChannel channel, InitPlan plan, SafeFd? mountNamespace)
    {
        FinalPhasePlan final;
        byte[] encoded;
        var seccomp = new InitSeccomp(plan.Seccomp);
        try
        {
            Sys.SetCloexec(channel.Socket.Value, true);
            if (plan.SharedMountNamespace)
                EnterRoot(mountNamespace);
            else
                JoinMountNamespace(mountNamespace);
            ProcessAttributes.Apply(plan.Spec);
            ExecCpuAffinityApplier.ApplyFinal(plan.Spec.Process?.ExecCpuAffinity);
            if (plan.Spec.Process?.Terminal == true)
                SendPty(channel, plan);
            InitProgram.StopDyingWithParent(); // the exec'd process outlives `exec`, as under runc
            var target = ProcessSetup.Prepare(plan.Spec, sessionKeyring: null);
            // The parent listens until end of file (the sync socket is close-on-exec): the final phase reports there,
            // and with a notifying filter sends the listener's fd number and waits for HAND_OVER before execve.
            final = InitFinalPhase.Plan(plan, target, seccomp, fifoFd: -1, reportFd: channel.Socket.Value, personality: null);
            encoded = final.Encode();
            foreach (string warning in target.Warnings)
                channel.Send(FrameType.Warning, System.Text.Encoding.UTF8.GetBytes(warning));
        }
        catch (Exception e)
        {
            InitProgram.Report(channel, e);
            return 1;
        }
        try
        {
            InitFinalPhase.Run(encoded, final.PointerSlots);
            return 127;
        }
        catch (Exception e)
        {
            InitProgram.Report(channel, e);
            return InitProgram.ExecFailureStatus(e);
        }
    }

    private static void JoinMountNamespace(SafeFd? mountNamespace)
    {
        if (mountNamespace is null)
            throw new InvalidDataException("the exec plan came without the container's mount namespace");
        using (mountNamespace)
        {
            Sys.Unshare(CloneFlags.Fs);
            Sys.SetNs(mountNamespace, CloneFlags.NewNs);
        }
    }

    /// <summary>
    /// A container without a mount namespace of its own: the fd is the init's root directory, and this thread (with
    /// filesystem attributes of its own, as for setns) chroots into it.
    /// </summary>
    private static void EnterRoot(SafeFd? root)
    {
        if (root is null)
            throw new InvalidDataException("the exec plan came without the container's root directory");
        using (root)
        {
            Sys.Unshare(CloneFlags.Fs);
            Sys.Fchdir(root);
            Sys.Chroot(".");
            Sys.Chdir("/");
        }
    }

    private static void SendPty(SyncChannel channel, InitPlan plan)
    {
        var (master, peer) = PtyAttacher.Attach(plan.Spec.Process!.ConsoleSize);
        using (master)
        using (peer)
            channel.Send(FrameType.Console, [], master);
    }
}
