using System.Globalization;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Rootfs;
using Jaula.Sandbox.Rootfs.Plan;
using Jaula.Sandbox.Seccomp;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The parent's side of the C init: what the managed init decides in its own process (the rootfs plan with the
/// process's settings, the capability sets, groups, the final-phase plan) decided here, from facts the parent reads
/// about the init it cloned (its cgroups, bounding set and /proc/&lt;pid&gt;/setgroups) and facts that are the same in
/// the init's fresh mount namespace (a copy of ours: mountinfo without mount IDs, bind sources, cgroup directories).
/// What only the built root can tell (args[0] by the PATH search, HOME from /etc/passwd) the C init finds itself.
/// </summary>
public static class CInitPlanner
{
    /// <param name="warnings">What is skipped (an ambient capability the kernel would refuse), for the log.</param>
    public static CInitProgram Compile(CInitFacts facts, ICollection<string> warnings)
    {
        var spec = facts.Spec;
        var process = spec.Process!;
        var rootfs = RootfsPlanCompiler.Compile(spec, facts.RootfsInput);
        // The decisions of ProcessSetup.Decide; args[0] stays as configured and HOME is not added: the C init does both.
        var target = ProcessSetup.Decide(spec, [], new ExecFacts
        {
            ResolveExecutable = (name, _, _) => name,
            HomeOf = _ => "/",
            SetgroupsDenied = facts.SetgroupsDenied,
        });
        foreach (string warning in target.Warnings)
            warnings.Add(warning);
        var env = process.Env ?? [];
        var final = new FinalPhasePlan
        {
            Uid = target.Uid,
            Gid = target.Gid,
            Groups = target.Groups,
            SetGroups = target.SetGroups,
            Capabilities = target.Capabilities,
            NoNewPrivileges = target.NoNewPrivileges,
            Bpf = facts.Seccomp?.Bpf ?? [],
            SeccompFlags = facts.Seccomp?.Flags ?? 0,
            FifoFd = facts.SyncFd + 1,
            KeepFdsFrom = 3 + facts.PreserveFds,
            Path = target.Path,
            ContainerId = facts.ContainerId,
            Argv = target.Argv,
            Env = env,
        };
        return new CInitProgram
        {
            Rootfs = rootfs,
            Final = final,
            AddHome = !env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal)),
            HomeUid = target.Uid,
            HooksDue = Hooks.HookRunner.HasCreateHooks(spec.Hooks),
            Hooks = InitHooks(spec.Hooks),
            CreateState = spec.Hooks?.CreateContainer is { Count: > 0 } ? StateJson(facts, ContainerStatus.Creating) : null,
            StartState = spec.Hooks?.StartContainer is { Count: > 0 } ? StateJson(facts, ContainerStatus.Created) : null,
            Cwd = process.Cwd ?? "/",
            Name = process.Args![0],
            SearchPath = ExecutableResolver.SearchPath(process.Env),
        };
    }

    /// <summary>createContainer then startContainer hooks as HookProcess runs them: argv [path] without args; without
    /// env the init's own environment less its marker, which is empty.</summary>
    private static List<CInitHook> InitHooks(HooksSpec? hooks)
    {
        var list = new List<CInitHook>();
        void Add(List<HookSpec>? specs, CInitHookKind kind)
        {
            for (int i = 0; i < (specs?.Count ?? 0); i++)
            {
                var h = specs![i];
                list.Add(new CInitHook(kind, i, h.Path, h.Args is { Count: > 0 } args ? args : [h.Path], h.Env ?? [], h.Timeout));
            }
        }
        Add(hooks?.CreateContainer, CInitHookKind.CreateContainer);
        Add(hooks?.StartContainer, CInitHookKind.StartContainer);
        return list;
    }

    /// <summary>What InitHooks gives the managed init's hooks: the creating state with the status of the moment, in a
    /// copy (the facts' state is shared: the caller's, and each kind's status its own).</summary>
    private static byte[] StateJson(CInitFacts facts, ContainerStatus status)
    {
        var shared = facts.HookState ?? throw new InvalidOperationException("the facts carry no state for the hooks");
        var state = new ContainerState
        {
            OciVersion = shared.OciVersion,
            Id = shared.Id,
            Status = status.ToText(),
            Pid = shared.Pid,
            Bundle = shared.Bundle,
            Rootfs = shared.Rootfs,
            Created = shared.Created,
            Owner = shared.Owner,
            Annotations = shared.Annotations is null ? null : new Dictionary<string, string>(shared.Annotations),
        };
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(state, OciJson.Compact.ContainerState);
    }
}

/// <summary>What <see cref="CInitPlanner"/> needs; <see cref="Read"/> takes the host's, tests give their own.</summary>
public sealed record CInitFacts
{
    public required Spec Spec { get; init; }
    public required string ContainerId { get; init; }

    /// <summary>With <see cref="RootfsPlanInput.Process"/>: the keyring, and the init's bounding set.</summary>
    public required RootfsPlanInput RootfsInput { get; init; }
    public SeccompProgram? Seccomp { get; init; }
    public bool SetgroupsDenied { get; init; }
    public int PreserveFds { get; init; }

    /// <summary>The state the init's hooks read (HookRunner.Creating: the init's host pid); its status is set per kind.</summary>
    public ContainerState? HookState { get; init; }

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
            SyncFd = InitStage.SyncFdOf(options.PreserveFds), // the CONSOLE operation sends the pty master on it
            Process = new ProcessFacts
            {
                SessionKeyring = options.NoNewKeyring ? null : "_ses." + options.Id,
                HostBounding = ReadBounding(pid),
                LastCap = Sys.LastCap(),
            },
        },
        Seccomp = seccomp,
        SetgroupsDenied = File.Exists($"/proc/{pid}/setgroups") && File.ReadAllText($"/proc/{pid}/setgroups").Trim() == "deny",
        PreserveFds = options.PreserveFds,
        SyncFd = InitStage.SyncFdOf(options.PreserveFds),
        HookState = Hooks.HookRunner.Creating(options.Id, bundle, rootfs, spec, pid),
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
