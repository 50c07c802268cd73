using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Rootfs.Plan;
using Jaula.Sandbox.Seccomp;

namespace Jaula.Runtime.Exec;

/// <summary>
/// Which `jaula init` an exec gets: the C one (native/c_init.h, JAULA_INIT_EXEC: no .NET start in the child) for a
/// process whose whole setup the parent can decide and C can run, the managed <c>ExecProgram</c> for the others.
/// <see cref="WhyManaged"/> names the first thing the C exec does not do, or null; <see cref="Compile"/> decides what
/// ExecProgram decides in the child, from the same facts seen from the parent.
/// </summary>
public static class ExecRoute
{
    public static string? WhyManaged(Spec spec, SeccompProgram? seccomp)
    {
        var process = spec.Process;
        var linux = spec.Linux;
        if (process is null)
            return "no process";
        if (process.Terminal == true)
            return "process.terminal";
        if (seccomp is { Listener: true } || !string.IsNullOrEmpty(linux?.Seccomp?.ListenerPath))
            return "a notifying seccomp profile";
        if (process.Scheduler is not null || process.IoPriority is not null || linux?.MemoryPolicy is not null || linux?.Personality is not null)
            return "scheduler, ioPriority, memoryPolicy or personality";
        if (!string.IsNullOrEmpty(process.ExecCpuAffinity?.Final))
            return "execCPUAffinity.final";
        if (!string.IsNullOrEmpty(process.ApparmorProfile) || !string.IsNullOrEmpty(process.SelinuxLabel))
            return "LSM labels";
        if (process.Args is not { Count: > 0 })
            return "no process.args";
        return null;
    }

    /// <summary>
    /// ExecProgram's decisions: the operations of ProcessSetup.Prepare without a keyring (oom_score_adj, rlimits, the
    /// bounding set, cwd, umask) as a plan, the decisions of ProcessSetup.Decide (args[0] and HOME left to the C
    /// side, which looks in the container's root) and the final phase reporting on the sync socket.
    /// </summary>
    /// <param name="warnings">What is skipped (an ambient capability the kernel would refuse), for the log.</param>
    public static CInitProgram Compile(ExecFacts facts, ICollection<string> warnings)
    {
        var spec = facts.Spec;
        var process = spec.Process!;
        var ops = new List<RootfsOperation>();
        ProcessPlanCompiler.ProcessSettings(spec, new ProcessFacts { SessionKeyring = null, HostBounding = facts.Bounding, LastCap = facts.LastCap }, ops);
        var target = ProcessSetup.Decide(spec, [], new Sandbox.Process.ExecFacts
        {
            ResolveExecutable = (name, _, _) => name,
            HomeOf = _ => "/",
            SetgroupsDenied = facts.SetgroupsDenied,
        });
        foreach (string warning in target.Warnings)
            warnings.Add(warning);
        var env = process.Env ?? [];
        int syncFd = InitStage.SyncFdOf(facts.PreserveFds);
        return new CInitProgram
        {
            Rootfs = new RootfsPlan(ops),
            Final = new FinalPhasePlan
            {
                Uid = target.Uid,
                Gid = target.Gid,
                Groups = target.Groups,
                SetGroups = target.SetGroups,
                Capabilities = target.Capabilities,
                NoNewPrivileges = target.NoNewPrivileges,
                Bpf = facts.Seccomp?.Bpf ?? [],
                SeccompFlags = facts.Seccomp?.Flags ?? 0,
                FifoFd = -1,
                ReportFd = syncFd,
                KeepFdsFrom = syncFd,
                Path = target.Path,
                ContainerId = facts.ContainerId,
                Argv = target.Argv,
                Env = env,
            },
            Exec = true,
            ExecChroot = facts.SharedMountNamespace,
            AddHome = !env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal)),
            HomeUid = target.Uid,
            Cwd = process.Cwd ?? "/",
            Name = process.Args![0],
            SearchPath = ExecutableResolver.SearchPath(process.Env),
        };
    }

    /// <summary>What <see cref="Compile"/> needs besides the spec: read by ContainerExecutor, given by tests.</summary>
    public sealed record ExecFacts
    {
        public required Spec Spec { get; init; }
        public required string ContainerId { get; init; }
        public SeccompProgram? Seccomp { get; init; }
        public int PreserveFds { get; init; }

        /// <summary>The container has no mount namespace of its own: the child chroots into its init's root.</summary>
        public bool SharedMountNamespace { get; init; }

        /// <summary>/proc/&lt;init&gt;/setgroups says "deny" (the child joins that user namespace).</summary>
        public bool SetgroupsDenied { get; init; }

        /// <summary>
        /// The bounding set the child will have: ours, or full when it joins a user namespace (setns fills it), and the
        /// kernel's last capability.
        /// </summary>
        public ulong Bounding { get; init; } = (1UL << 41) - 1;
        public int LastCap { get; init; } = 40;
    }
}
