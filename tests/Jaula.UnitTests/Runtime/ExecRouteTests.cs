using FluentAssertions;
using Jaula.Oci;
using Jaula.Runtime.Exec;
using Jaula.Runtime.Init;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Rootfs.Plan;
using Jaula.Sandbox.Seccomp;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>
/// Which execs the C exec serves (ExecRoute.WhyManaged), what the parent compiles for it (ExecRoute.Compile: what
/// ExecProgram did in the child, in its order), and the wording of its own failures.
/// </summary>
public sealed class ExecRouteTests
{
    private static Spec Eligible() => new()
    {
        OciVersion = "1.3.0",
        Root = new RootSpec { Path = "rootfs" },
        Process = new ProcessSpec
        {
            Cwd = "/work",
            Args = ["sh", "-c", "true"],
            Env = ["PATH=/usr/bin:/bin"],
            User = new UserSpec { Uid = 1000, Gid = 1000, AdditionalGids = [5], Umask = 0x3F },
            Capabilities = new CapabilitiesSpec { Bounding = ["CAP_KILL"], Effective = ["CAP_KILL"], Permitted = ["CAP_KILL"] },
            Rlimits = [new RlimitSpec { Type = "RLIMIT_NOFILE", Soft = 1024, Hard = 2048 }],
            OomScoreAdj = 100,
            NoNewPrivileges = true,
        },
        Linux = new LinuxSpec { Namespaces = [new NamespaceSpec { Type = "mount" }, new NamespaceSpec { Type = "pid" }] },
    };

    [Fact]
    public void A_plain_exec_takes_the_C_road()
    {
        ExecRoute.WhyManaged(Eligible(), null).Should().BeNull();
        ExecRoute.WhyManaged(Eligible(), new SeccompProgram { Bpf = new byte[8] }).Should().BeNull("a filter without a listener is loaded by the final phase in C");
    }

    public static TheoryData<string, Action<Spec>> Managed => new()
    {
        { "no process", s => s.Process = null },
        { "process.terminal", s => s.Process!.Terminal = true },
        { "notifying", s => s.Linux!.Seccomp = new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", ListenerPath = "/run/agent.sock" } },
        { "scheduler", s => s.Process!.IoPriority = new IoPrioritySpec { Class = "IOPRIO_CLASS_BE", Priority = 4 } },
        { "scheduler", s => s.Process!.Scheduler = new SchedulerSpec { Policy = "SCHED_OTHER" } },
        { "scheduler", s => s.Linux!.Personality = new PersonalitySpec { Domain = "LINUX" } },
        { "execCPUAffinity.final", s => s.Process!.ExecCpuAffinity = new ExecCpuAffinity { Final = "0" } },
        { "LSM", s => s.Process!.ApparmorProfile = "unconfined" },
        { "LSM", s => s.Process!.SelinuxLabel = "system_u:system_r:container_t:s0" },
        { "no process.args", s => s.Process!.Args = [] },
    };

    [Theory]
    [MemberData(nameof(Managed))]
    public void What_C_does_not_do_keeps_the_managed_exec(string why, Action<Spec> change)
    {
        var spec = Eligible();
        change(spec);
        ExecRoute.WhyManaged(spec, null).Should().Contain(why);
    }

    [Fact]
    public void A_notifying_filter_keeps_the_managed_exec()
    {
        ExecRoute.WhyManaged(Eligible(), new SeccompProgram { Bpf = new byte[8], Listener = true }).Should().Contain("notifying");
    }

    private static CInitProgram Compile(Spec spec, bool shared = false, List<string>? warnings = null) => ExecRoute.Compile(new ExecRoute.ExecFacts
    {
        Spec = spec,
        ContainerId = "c1",
        PreserveFds = 2,
        SharedMountNamespace = shared,
        Bounding = (1UL << 41) - 1,
        LastCap = 40,
    }, warnings ?? []);

    [Fact]
    public void The_program_makes_ExecPrograms_calls_in_its_order()
    {
        var program = Compile(Eligible());

        var kinds = program.Rootfs.Operations.Select(o => o.Kind).Distinct().ToList();
        kinds.Should().Equal(RootfsOpKind.RequireProcfs, RootfsOpKind.ProcWrite, RootfsOpKind.Rlimit, RootfsOpKind.CapBoundingDrop,
            RootfsOpKind.Chdir, RootfsOpKind.Umask);
        program.Rootfs.Operations.Should().NotContain(o => o.Kind == RootfsOpKind.Keyring, "exec joins no session keyring");
        program.Rootfs.Operations.Count(o => o.Kind == RootfsOpKind.CapBoundingDrop).Should().Be(40, "all but CAP_KILL of 0-40");
        program.Rootfs.Operations.Single(o => o.Kind == RootfsOpKind.Chdir).Path.Should().Be("/work");
        program.Rootfs.Operations.Single(o => o.Kind == RootfsOpKind.Umask).Mode.Should().Be(0x3F);
        program.Exec.Should().BeTrue();
        program.ExecChroot.Should().BeFalse();
        program.AddHome.Should().BeTrue();
        program.HomeUid.Should().Be(1000);
        program.Name.Should().Be("sh");
        program.SearchPath.Should().Be("/usr/bin:/bin");
        program.Final.FifoFd.Should().Be(-1);
        program.Final.ReportFd.Should().Be(5, "the sync socket follows the preserved fds");
        program.Final.KeepFdsFrom.Should().Be(5);
        program.Final.Groups.Should().Equal(5u);
        program.Final.NoNewPrivileges.Should().BeTrue();
        Compile(Eligible(), shared: true).ExecChroot.Should().BeTrue();
    }

    [Fact]
    public void A_bounding_set_wider_than_ours_fails_in_the_parent_as_in_the_child()
    {
        var spec = Eligible();
        var compile = () => ExecRoute.Compile(new ExecRoute.ExecFacts { Spec = spec, ContainerId = "c1", Bounding = 0, LastCap = 40 }, []);
        compile.Should().Throw<Jaula.Sandbox.ContainerSetupException>().Which.Field.Should().StartWith("process.capabilities");
    }

    [Fact]
    public void The_C_execs_own_failures_are_worded_as_ExecPrograms_calls()
    {
        var program = Compile(Eligible());
        string Describe(string kind, int errno, int? op = null) =>
            CInitFailure.Describe(new InitError { Step = CInitFailure.Step, Path = kind, Errno = errno, Op = op }, program)!;

        Describe("setns", 1).Should().Be(new Jaula.Linux.ErrnoException("setns", null, 1).Message);
        Describe("chroot", 2, 1).Should().Be(new Jaula.Linux.ErrnoException("chroot", ".", 2).Message);
        Describe("decode", 22).Should().StartWith("the C init refused the program exec sent it");
        Describe("args0-not-in-path", 2).Should().Contain("\"sh\": executable file not found in $PATH (/usr/bin:/bin)");
    }
}
