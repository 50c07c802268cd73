using System.Globalization;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox.Capabilities;
using Jaula.Sandbox.Rlimits;

namespace Jaula.Sandbox.Process;

/// <summary>
/// The init's process work after pivot_root, in the order the kernel's rules force: everything that needs privilege
/// first (<see cref="ApplyKernelSettings"/>, then the keyring, oom_score_adj, rlimits, the bounding set, the working
/// directory, the PATH search). The user switch, the other capability sets and no_new_privs are only decided here:
/// the final phase in C applies them next to the seccomp filter (native/final_phase.h), so no managed code ever runs
/// under the filter.
/// </summary>
public static class ProcessSetup
{
    private const uint DefaultUmask = 0x12; // 0022

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
        caps = CapabilityApplier.CheckForFinalPhase(caps, warnings);

        string cwd = process.Cwd ?? "/";
        Step("process.cwd", () => Sys.Chdir(cwd));
        WorkingDirectory.RequireInsideRoot(cwd);
        string path = ExecutableResolver.Resolve(process.Args![0], process.Env, cwd);
        Sys.Umask(process.User?.Umask ?? DefaultUmask);
        Lsm.SecurityLabels.ApplyForExec(process);
        var groups = process.User?.AdditionalGids ?? [];
        return new ExecTarget(path, process.Args, WithHome(process.Env ?? [], process.User?.Uid ?? 0), warnings)
        {
            Uid = process.User?.Uid ?? 0,
            Gid = process.User?.Gid ?? 0,
            Groups = groups,
            // A rootless map of one id denies setgroups for good (user_namespaces(7)); with no groups asked for,
            // there is nothing to set, as runc does.
            SetGroups = groups.Count > 0 || !SetgroupsDenied(),
            Capabilities = caps,
            NoNewPrivileges = process.NoNewPrivileges == true,
        };
    }

    private static CapabilitySet ParseCapabilities(CapabilitiesSpec? c)
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

    /// <summary>
    /// hostname, domainname and linux.sysctl: done right after pivot_root, before /proc/sys is made read-only.
    /// </summary>
    public static void ApplyKernelSettings(Spec spec)
    {
        SetIdentity(spec);
        if (spec.Linux?.Sysctl is { Count: > 0 })
            RequireProcfs("linux.sysctl");
        KernelParameters.Apply(spec.Linux?.Sysctl);
    }

    private static void SetIdentity(Spec spec)
    {
        if (spec.Hostname is { Length: > 0 } hostname)
            Step("hostname", () => Sys.Sethostname(hostname));
        if (spec.Domainname is { Length: > 0 } domainname)
            Step("domainname", () => Sys.Setdomainname(domainname));
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

    private static bool SetgroupsDenied() =>
        File.Exists("/proc/self/setgroups") && File.ReadAllText("/proc/self/setgroups").Trim() == "deny";

    private static IReadOnlyList<string> WithHome(IReadOnlyList<string> env, uint uid)
    {
        if (env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal)))
            return env;
        return [.. env, "HOME=" + PasswdHome.Lookup(uid)];
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
