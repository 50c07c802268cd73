using FluentAssertions;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Init;
using Jaula.Runtime.Lifecycle;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Rootfs.Plan;
using Jaula.Sandbox.Seccomp;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>
/// Which containers the C init serves (InitRoute), what the parent compiles for it (CInitPlanner), and how its reports
/// are worded (CInitFailure): as the managed init words the same failure.
/// </summary>
public sealed class CInitRouteTests
{
    private static Spec Eligible() => new()
    {
        OciVersion = "1.3.0",
        Root = new RootSpec { Path = "rootfs" },
        Process = new ProcessSpec
        {
            Cwd = "/",
            Args = ["sh", "-c", "true"],
            Env = ["PATH=/usr/bin:/bin"],
            User = new UserSpec { Uid = 1000, Gid = 1000, AdditionalGids = [5] },
            Capabilities = new CapabilitiesSpec { Bounding = ["CAP_KILL"], Effective = ["CAP_KILL"], Permitted = ["CAP_KILL"] },
            NoNewPrivileges = true,
        },
        Mounts = [new MountSpec { Destination = "/proc", Type = "proc", Source = "proc" }],
        Linux = new LinuxSpec { Namespaces = [new NamespaceSpec { Type = "mount" }, new NamespaceSpec { Type = "pid" }] },
    };

    private static string? Why(Spec spec, SeccompProgram? seccomp = null) => InitRoute.WhyManaged(spec, NamespacePlan.From(spec), seccomp);

    [Fact]
    public void A_plain_container_takes_the_C_init()
    {
        Why(Eligible()).Should().BeNull();
        Why(Eligible(), new SeccompProgram { Bpf = new byte[8] }).Should().BeNull("a filter without a listener is loaded by the final phase in C");
    }

    public static TheoryData<string, Action<Spec>> Managed => new()
    {
        { "no process", s => s.Process = null },
        { "more than 256", s => s.Hooks = new HooksSpec { StartContainer = [.. Enumerable.Range(0, 257).Select(_ => new HookSpec { Path = "/bin/true" })] } },
        { "notifying", s => s.Linux!.Seccomp = new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", ListenerPath = "/run/agent.sock" } },
        { "mount namespace joined", s => s.Linux!.Namespaces = [new NamespaceSpec { Type = "mount", Path = "/proc/1/ns/mnt" }] },
        { "scheduler", s => s.Process!.IoPriority = new IoPrioritySpec { Class = "IOPRIO_CLASS_BE", Priority = 4 } },
        { "scheduler", s => s.Linux!.Personality = new PersonalitySpec { Domain = "LINUX" } },
        { "LSM", s => s.Process!.ApparmorProfile = "unconfined" },
        { "LSM", s => s.Process!.SelinuxLabel = "system_u:system_r:container_t:s0" },
        { "tmpcopyup", s => s.Mounts!.Add(new MountSpec { Destination = "/etc", Type = "tmpfs", Source = "tmpfs", Options = ["tmpcopyup"] }) },
        { "idmapped", s => s.Mounts!.Add(new MountSpec { Destination = "/data", Type = "bind", Source = "/srv", Options = ["rbind", "idmap"] }) },
    };

    [Theory]
    [MemberData(nameof(Managed))]
    public void What_the_C_init_does_not_do_keeps_the_managed_init(string reason, Action<Spec> edit)
    {
        var spec = Eligible();
        edit(spec);

        Why(spec).Should().NotBeNull().And.Contain(reason);
    }

    [Fact]
    public void A_terminal_takes_the_C_init_its_plan_sends_the_pty_on_the_sync_socket()
    {
        var spec = Eligible();
        spec.Process!.Terminal = true;

        Why(spec).Should().BeNull("the CONSOLE operation attaches the pty in C");
    }

    [Fact]
    public void Hooks_the_parent_runs_take_the_C_init_with_the_sync_point()
    {
        var spec = Eligible();
        spec.Hooks = new HooksSpec
        {
            Prestart = [new HookSpec { Path = "/bin/true" }],
            CreateRuntime = [new HookSpec { Path = "/bin/true" }],
            Poststart = [new HookSpec { Path = "/bin/true" }],
            Poststop = [new HookSpec { Path = "/bin/true" }],
        };

        Why(spec).Should().BeNull("the parent runs prestart, createRuntime, poststart and poststop on either route");
        CInitPlanner.Compile(Facts(spec), []).HooksDue.Should().BeTrue();
        spec.Hooks = new HooksSpec { Poststart = [new HookSpec { Path = "/bin/true" }] };
        CInitPlanner.Compile(Facts(spec), []).HooksDue.Should().BeFalse("only prestart and createRuntime need the pause before pivot_root");
        CInitPlanner.Compile(Facts(Eligible()), []).HooksDue.Should().BeFalse();
    }

    [Fact]
    public void The_init_hooks_travel_in_the_program_as_HookProcess_would_run_them()
    {
        var spec = Eligible();
        spec.Hooks = new HooksSpec
        {
            CreateContainer = [new HookSpec { Path = "/bin/a", Timeout = 3 }, new HookSpec { Path = "/bin/b", Args = ["b0", "x"], Env = ["E=1"] }],
            StartContainer = [new HookSpec { Path = "/c" }],
        };
        var facts = Facts(spec) with { HookState = Jaula.Runtime.Hooks.HookRunner.Creating("c1", "/b", "/b/rootfs", spec, 4242) };

        Why(spec).Should().BeNull();
        var program = CInitPlanner.Compile(facts, []);

        program.HooksDue.Should().BeTrue("createContainer hooks wait for their executables at the sync point");
        program.Hooks.Should().BeEquivalentTo(new CInitHook[]
        {
            new(CInitHookKind.CreateContainer, 0, "/bin/a", ["/bin/a"], [], 3),
            new(CInitHookKind.CreateContainer, 1, "/bin/b", ["b0", "x"], ["E=1"], null),
            new(CInitHookKind.StartContainer, 0, "/c", ["/c"], [], null),
        }, o => o.WithStrictOrdering());
        string create = System.Text.Encoding.UTF8.GetString(program.CreateState!);
        create.Should().Contain("\"status\":\"creating\"").And.Contain("\"pid\":4242").And.Contain("\"id\":\"c1\"");
        System.Text.Encoding.UTF8.GetString(program.StartState!).Should().Be(create.Replace("\"creating\"", "\"created\""));
    }

    [Fact]
    public void Compiling_the_hooks_states_leaves_the_facts_state_as_it_was()
    {
        var spec = Eligible();
        spec.Hooks = new HooksSpec { StartContainer = [new HookSpec { Path = "/c" }] };
        var state = Jaula.Runtime.Hooks.HookRunner.Creating("c1", "/b", "/b/rootfs", spec, 4242);
        state.Annotations = new() { ["a"] = "1" };
        string before = System.Text.Json.JsonSerializer.Serialize(state, Jaula.Oci.OciJson.Compact.ContainerState);

        var program = CInitPlanner.Compile(Facts(spec) with { HookState = state }, []);

        System.Text.Json.JsonSerializer.Serialize(state, Jaula.Oci.OciJson.Compact.ContainerState).Should().Be(before);
        state.Status.Should().Be("creating");
        System.Text.Encoding.UTF8.GetString(program.StartState!).Should().Be(before.Replace("\"creating\"", "\"created\""));
    }

    [Fact]
    public void The_settings_the_rootfs_plan_makes_take_the_C_init()
    {
        var spec = Eligible();
        spec.Hostname = "box";
        spec.Domainname = "example.org";
        spec.Linux!.Sysctl = new() { ["net.ipv4.ip_forward"] = "1" };
        spec.Process!.Rlimits = [new RlimitSpec { Type = "RLIMIT_NOFILE", Soft = 1, Hard = 1 }];
        spec.Process.OomScoreAdj = 5;

        Why(spec).Should().BeNull();
    }

    [Fact]
    public void A_notifying_program_keeps_the_managed_init()
    {
        Why(Eligible(), new SeccompProgram { Bpf = new byte[8], Listener = true }).Should().Contain("notifying");
    }

    private static CInitFacts Facts(Spec spec, ulong bounding = ulong.MaxValue) => new()
    {
        Spec = spec,
        ContainerId = "c1",
        RootfsInput = new RootfsPlanInput
        {
            Rootfs = "/b/rootfs",
            Bundle = "/b",
            Process = new ProcessFacts { SessionKeyring = "_ses.c1", HostBounding = bounding, LastCap = 40 },
        },
        SetgroupsDenied = true,
        PreserveFds = 2,
        SyncFd = 5,
    };

    [Fact]
    public void The_parent_decides_what_the_managed_init_decided_in_its_own_process()
    {
        var warnings = new List<string>();
        var program = CInitPlanner.Compile(Facts(Eligible()), warnings);

        program.AddHome.Should().BeTrue("the environment has no HOME");
        program.HomeUid.Should().Be(1000u);
        program.Name.Should().Be("sh");
        program.Cwd.Should().Be("/");
        program.SearchPath.Should().Be("/usr/bin:/bin");
        program.Final.Path.Should().Be("sh", "the C init resolves it in the built root");
        program.Final.Env.Should().Equal("PATH=/usr/bin:/bin");
        program.Final.FifoFd.Should().Be(6, "the exec fifo follows the sync socket");
        program.Final.KeepFdsFrom.Should().Be(5);
        program.Final.SetGroups.Should().BeTrue("a group is asked for, whatever setgroups says");
        program.Final.Groups.Should().Equal(5u);
        program.Final.NoNewPrivileges.Should().BeTrue();
        program.Final.ReportFd.Should().Be(-1);
        var ops = program.Rootfs.Operations;
        ops.Should().Contain(o => o.Kind == RootfsOpKind.Pivot);
        ops.Should().Contain(o => o.Kind == RootfsOpKind.Keyring && o.Path == "_ses.c1");
        ops.Where(o => o.Kind == RootfsOpKind.CapBoundingDrop).Should().HaveCount(40, "every capability up to 40 but CAP_KILL");
        ops[^1].Kind.Should().Be(RootfsOpKind.Umask);
        warnings.Should().BeEmpty();
    }

    [Fact]
    public void Setgroups_is_skipped_where_the_init_may_not_and_none_is_asked_for()
    {
        var spec = Eligible();
        spec.Process!.User!.AdditionalGids = null;
        spec.Process.Env = ["HOME=/home/x"];

        var program = CInitPlanner.Compile(Facts(spec), []);

        program.Final.SetGroups.Should().BeFalse();
        program.AddHome.Should().BeFalse();
    }

    [Fact]
    public void A_capability_outside_the_inits_bounding_set_is_refused_naming_the_field()
    {
        var compile = () => CInitPlanner.Compile(Facts(Eligible(), bounding: 0), []);

        compile.Should().Throw<Jaula.Sandbox.ContainerSetupException>().Which.Field.Should().Be("process.capabilities.bounding");
    }

    [Fact]
    public void The_C_inits_reports_read_as_the_managed_inits()
    {
        var program = CInitPlanner.Compile(Facts(Eligible()), []);
        var ops = program.Rootfs.Operations.ToList();
        int pivot = ops.FindIndex(o => o.Kind == RootfsOpKind.Pivot);
        int chdir = ops.FindIndex(o => o.Kind == RootfsOpKind.Chdir);
        int keyring = ops.FindIndex(o => o.Kind == RootfsOpKind.Keyring);
        InitError Report(string kind, int errno = Errno.ENOENT, int? op = null, int? step = null, long? uid = null) =>
            new() { Step = CInitFailure.Step, Path = kind, Errno = errno, Op = op, RootfsStep = step, Uid = uid };

        CInitFailure.Describe(Report("rootfs", Errno.EINVAL, op: pivot, step: (int)RootfsStep.PivotRoot), program)
            .Should().Be(RootfsPlanFailure.Describe(program.Rootfs, pivot, Errno.EINVAL, RootfsStep.PivotRoot).Message);
        CInitFailure.Describe(Report("rootfs", Errno.ENOENT, op: chdir, step: (int)RootfsStep.Chdir), program)
            .Should().Be("process.cwd: chdir /: No such file or directory");
        CInitFailure.Describe(Report("args0-not-in-path"), program)
            .Should().Be("process.args[0]: " + ExecutableResolver.NotInPath("sh", "/usr/bin:/bin"));
        CInitFailure.Describe(Report("args0-denied", Errno.EACCES, uid: 0), program)
            .Should().Be("process.args[0]: \"sh\": permission denied (not executable by uid 0)");
        CInitFailure.Describe(new InitError { Step = "setns", Errno = Errno.EPERM }, program).Should().BeNull("the stage's own reports are worded as before");
        byte[] warning = System.Text.Encoding.UTF8.GetBytes($"{{\"step\":\"c-init\",\"path\":\"warning\",\"errno\":{Errno.EDQUOT},\"op\":{keyring},\"rootfsStep\":27}}");
        CInitFailure.Warning(warning, program).Should().Be("no session keyring of its own for the container: keyctl(JOIN_SESSION_KEYRING) _ses.c1: Disk quota exceeded");
        CInitFailure.Warning("plain text"u8.ToArray(), program).Should().Be("plain text");
    }
}
