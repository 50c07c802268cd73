using System.Globalization;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox.Capabilities;
using Jaula.Sandbox.Rlimits;

namespace Jaula.Sandbox.Process;

/// <summary>What the final phase's decisions read besides the spec: the container's files and the user namespace.</summary>
public sealed record ExecFacts
{
    /// <summary>The PATH search for args[0] (args[0], env, cwd) in the container's root.</summary>
    public required Func<string, IReadOnlyList<string>?, string, string> ResolveExecutable { get; init; }

    /// <summary>HOME for a uid, from the container's /etc/passwd.</summary>
    public required Func<uint, string> HomeOf { get; init; }

    /// <summary>/proc/self/setgroups says "deny" (a rootless map of one id).</summary>
    public bool SetgroupsDenied { get; init; }

    /// <summary>The facts as the calling process sees them, inside the container's root.</summary>
    public static ExecFacts InRoot() => new()
    {
        ResolveExecutable = ExecutableResolver.Resolve,
        HomeOf = uid => PasswdHome.Lookup(uid),
        SetgroupsDenied = File.Exists("/proc/self/setgroups") && File.ReadAllText("/proc/self/setgroups").Trim() == "deny",
    };
}

/// <summary>
/// The process's last steps before the final phase. The init's system calls (session, hostname, sysctls, keyring,
/// oom_score_adj, rlimits, the bounding set, the working directory, the umask) are operations of the rootfs plan
/// (<see cref="ProcessPlanCompiler"/>); what is left here is <see cref="Decide"/>: the user switch, the capability
/// sets, no_new_privs and the PATH search, applied by the final phase in C next to the seccomp filter
/// (native/final_phase.h), so no managed code ever runs under the filter. The C exec runs the same operations
/// (Runtime/Exec/ExecRoute.cs); the managed exec, for the execs it keeps, makes those calls itself in
/// <see cref="Prepare"/>.
/// </summary>
public static class ProcessSetup
{
    private const uint DefaultUmask = 0x12; // 0022

    /// <summary>
    /// For `exec`: the process's settings made here (keyring, oom_score_adj, rlimits, bounding set, cwd, umask), then
    /// the decisions of <see cref="Decide"/> and the LSM label.
    /// </summary>
    /// <param name="sessionKeyring">The name of a new session keyring to join (runc's "_ses.&lt;id&gt;"), or null to keep the caller's.</param>
    public static ExecTarget Prepare(Spec spec, string? sessionKeyring)
    {
        var process = spec.Process ?? throw new ContainerSetupException("process", "missing: nothing to run");
        var warnings = new List<string>();
        JoinKeyring(sessionKeyring, warnings);
        if (process.OomScoreAdj is not null)
            RequireProcfs("process.oomScoreAdj");
        SetOomScoreAdj(process.OomScoreAdj);
        SetRlimits(process.Rlimits);

        var caps = ParseCapabilities(process.Capabilities);
        CapabilityApplier.RequireWithinHostBounding(caps);
        CapabilityApplier.ApplyBounding(caps);

        string cwd = process.Cwd ?? "/";
        Step("process.cwd", () => Sys.Chdir(cwd));
        WorkingDirectory.RequireInsideRoot(cwd);
        Sys.Umask(process.User?.Umask ?? DefaultUmask);
        return AfterPlan(spec, warnings);
    }

    /// <summary>
    /// For the init, once its rootfs plan ran to the end (the process's settings included): the decisions, then the
    /// LSM label for execve (still set from C#). <paramref name="warnings"/> are the plan's (the keyring's), sent first.
    /// </summary>
    public static ExecTarget AfterPlan(Spec spec, IEnumerable<string> warnings)
    {
        var target = Decide(spec, warnings, ExecFacts.InRoot());
        Lsm.SecurityLabels.ApplyForExec(spec.Process!);
        return target;
    }

    /// <summary>
    /// What the final phase applies, from the spec and <paramref name="facts"/> only: the executable (PATH search),
    /// args, env with HOME, the user and groups, whether to call setgroups, the capability sets (refusing effective
    /// outside permitted, dropping with a warning an ambient one not permitted and inheritable) and no_new_privs.
    /// </summary>
    public static ExecTarget Decide(Spec spec, IEnumerable<string> warnings, ExecFacts facts)
    {
        var process = spec.Process ?? throw new ContainerSetupException("process", "missing: nothing to run");
        var all = new List<string>(warnings);
        var caps = CapabilityApplier.CheckForFinalPhase(ParseCapabilities(process.Capabilities), all);
        string path = facts.ResolveExecutable(process.Args![0], process.Env, process.Cwd ?? "/");
        var groups = process.User?.AdditionalGids ?? [];
        return new ExecTarget(path, process.Args, WithHome(process.Env ?? [], process.User?.Uid ?? 0, facts.HomeOf), all)
        {
            Uid = process.User?.Uid ?? 0,
            Gid = process.User?.Gid ?? 0,
            Groups = groups,
            // A rootless map of one id denies setgroups for good (user_namespaces(7)); with no groups asked for,
            // there is nothing to set, as runc does.
            SetGroups = groups.Count > 0 || !facts.SetgroupsDenied,
            Capabilities = caps,
            NoNewPrivileges = process.NoNewPrivileges == true,
        };
    }

    public static CapabilitySet ParseCapabilities(CapabilitiesSpec? c)
    {
        try
        {
            return CapabilitySet.Parse(c?.Bounding, c?.Effective, c?.Permitted, c?.Inheritable, c?.Ambient);
        }
        catch (CapabilityException e)
        {
            throw new ContainerSetupException(e.Field, e.Cause, e);
        }
    }

    /// <summary>Without a procfs on /proc these writes would land in the image's own files instead of the kernel.</summary>
    private static void RequireProcfs(string field)
    {
        bool isProc;
        try
        {
            isProc = Sys.StatfsType("/proc") == Sys.PROC_SUPER_MAGIC;
        }
        catch (ErrnoException)
        {
            isProc = false;
        }
        if (!isProc)
            throw new ContainerSetupException(field, "needs procfs mounted on /proc in the container (add a mount of type \"proc\")");
    }

    /// <summary>Keyrings are not namespaced; where the kernel refuses one (quota, no keys support) the container still runs.</summary>
    private static void JoinKeyring(string? name, List<string> warnings)
    {
        if (name is null)
            return;
        try
        {
            Sys.JoinSessionKeyring(name);
        }
        catch (ErrnoException e) when (e.Errno is Errno.ENOSYS or Errno.EDQUOT or Errno.EACCES)
        {
            warnings.Add($"no session keyring of its own for the container: {e.Message}");
        }
    }

    private static void SetOomScoreAdj(int? adjust)
    {
        if (adjust is not int value)
            return;
        Step("process.oomScoreAdj", () => ProcfsFile.Write($"{ProcfsFile.Self}/oom_score_adj", value.ToString(CultureInfo.InvariantCulture)));
    }

    private static void SetRlimits(IReadOnlyList<RlimitSpec>? rlimits)
    {
        for (int i = 0; i < (rlimits?.Count ?? 0); i++)
        {
            var r = rlimits![i];
            string field = $"process.rlimits[{i}]";
            if (!RlimitNames.TryParse(r.Type, out int resource))
                throw new ContainerSetupException(field, $"unknown rlimit type \"{r.Type}\"");
            RlimitApplier.Apply(resource, r.Soft, r.Hard, field);
        }
    }

    private static IReadOnlyList<string> WithHome(IReadOnlyList<string> env, uint uid, Func<uint, string> homeOf)
    {
        if (env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal)))
            return env;
        return [.. env, "HOME=" + homeOf(uid)];
    }

    private static void Step(string field, Action action)
    {
        try
        {
            action();
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException(field, e.Message, e);
        }
    }
}
