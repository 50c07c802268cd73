using System.Globalization;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox;
using Jaula.Sandbox.Capabilities;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Rootfs;
using Jaula.Sandbox.Rootfs.Plan;
using Jaula.Sandbox.Seccomp;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The parent's side of the C init: what the managed init decides in its own process (the rootfs plan, capabilities,
/// groups, the final-phase plan) decided here, from facts the parent reads about the init it cloned (its cgroups,
/// bounding set and /proc/&lt;pid&gt;/setgroups) and facts that are the same in the init's fresh mount namespace (a
/// copy of ours: mountinfo without mount IDs, bind sources, cgroup directories).
/// </summary>
public static class CInitPlanner
{
    private const uint DefaultUmask = 0x12; // 0022

    /// <param name="warnings">What is skipped (an ambient capability the kernel would refuse), for the log.</param>
    public static CInitProgram Compile(CInitFacts facts, ICollection<string> warnings)
    {
        var spec = facts.Spec;
        var process = spec.Process!;
        var caps = ParseCapabilities(process.Capabilities);
        CapabilityApplier.RequireWithinBounding(caps, facts.InitBounding);
        caps = CapabilityApplier.CheckForFinalPhase(caps, warnings);
        var groups = process.User?.AdditionalGids ?? [];
        var env = process.Env ?? [];
        uint uid = process.User?.Uid ?? 0;
        var final = new FinalPhasePlan
        {
            Uid = uid,
            Gid = process.User?.Gid ?? 0,
            Groups = groups,
            // As ProcessSetup: a rootless map of one id denies setgroups for good; with no groups asked for, skip it.
            SetGroups = groups.Count > 0 || !facts.SetgroupsDenied,
            Capabilities = caps,
            NoNewPrivileges = process.NoNewPrivileges == true,
            Bpf = facts.Seccomp?.Bpf ?? [],
            SeccompFlags = facts.Seccomp?.Flags ?? 0,
            FifoFd = facts.SyncFd + 1,
            KeepFdsFrom = 3 + facts.PreserveFds,
            Path = process.Args![0],
            ContainerId = facts.ContainerId,
            Argv = process.Args,
            Env = env,
        };
        return new CInitProgram
        {
            Rootfs = RootfsPlanCompiler.Compile(spec, facts.RootfsInput),
            Final = final,
            Keyring = facts.NoNewKeyring ? null : "_ses." + facts.ContainerId,
            AddHome = !env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal)),
            HomeUid = uid,
            Umask = process.User?.Umask ?? DefaultUmask,
            LastCap = Sys.LastCap(),
            Bounding = caps.Bounding,
            Cwd = process.Cwd ?? "/",
            Name = process.Args[0],
            SearchPath = ExecutableResolver.SearchPath(process.Env),
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
}

/// <summary>What <see cref="CInitPlanner"/> needs; <see cref="Read"/> takes the host's, tests give their own.</summary>
public sealed record CInitFacts
{
    public required Spec Spec { get; init; }
    public required string ContainerId { get; init; }
    public required RootfsPlanInput RootfsInput { get; init; }
    public SeccompProgram? Seccomp { get; init; }
    public ulong InitBounding { get; init; } = ulong.MaxValue;
    public bool SetgroupsDenied { get; init; }
    public bool NoNewKeyring { get; init; }
    public int PreserveFds { get; init; }

    /// <summary>The sync socket's number in the init; the exec fifo is the next (native/stage.h).</summary>
    public int SyncFd { get; init; } = 3;

    public static CInitFacts Read(CreateOptions options, Spec spec, string bundle, string rootfs, NamespacePlan namespaces, int pid,
        SeccompProgram? seccomp) => new()
    {
        Spec = spec,
        ContainerId = options.Id,
        RootfsInput = RootfsPlanInput.FromHost(rootfs, bundle, OwnCgroup.Parse(File.ReadAllLines($"/proc/{pid}/cgroup"))) with
        {
            InUserNamespace = namespaces.InUserNamespace,
            NoPivot = options.NoPivot,
            SharedMountNamespace = !namespaces.OwnMount,
        },
        Seccomp = seccomp,
        InitBounding = ReadBounding(pid),
        SetgroupsDenied = File.Exists($"/proc/{pid}/setgroups") && File.ReadAllText($"/proc/{pid}/setgroups").Trim() == "deny",
        NoNewKeyring = options.NoNewKeyring,
        PreserveFds = options.PreserveFds,
        SyncFd = 3 + options.PreserveFds,
    };

    /// <summary>The init's bounding set (CapBnd in /proc/&lt;pid&gt;/status): full in a new user namespace.</summary>
    private static ulong ReadBounding(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("CapBnd:", StringComparison.Ordinal))
                return ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        throw new InvalidDataException($"/proc/{pid}/status has no CapBnd line");
    }
}
