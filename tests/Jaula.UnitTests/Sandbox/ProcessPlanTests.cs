using System.Buffers.Binary;
using FluentAssertions;
using Xunit;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Rootfs;
using Jaula.Sandbox.Rootfs.Plan;

namespace Jaula.UnitTests.Sandbox;

/// <summary>
/// The process's settings as rootfs plan operations (ProcessPlanCompiler): their place and fields, what the C decoder
/// accepts and refuses for them, and the user's error when the C executor reports one failed.
/// </summary>
public sealed class ProcessPlanTests
{
    private static readonly PlanCheckDriver s_driver = new("rootfs_plan_check.c", "rootfs_plan_decode.c", "rootfs_plan_check");
    private static readonly PlanCheckDriver s_runner = new("rootfs_plan_run_check.c", "rootfs_plan_decode.c", "rootfs_plan_run_check", "rootfs_plan_exec.c");
    private static readonly PlanCheckDriver s_console = new("console_plan_run_check.c", "rootfs_plan_decode.c", "console_plan_run_check", "rootfs_plan_exec.c");

    private static RootfsPlanInput Input(ProcessFacts? facts = null) => new()
    {
        Rootfs = "/b/rootfs",
        Bundle = "/b",
        HostMounts = [new MountInfo("/", "/", "ext4", "/dev/sda1", "rw")],
        Process = facts ?? new ProcessFacts { SessionKeyring = "_ses.c1", LastCap = 40, HostBounding = (1UL << 41) - 1 },
        SyncFd = 5,
    };

    /// <summary>A spec with every setting the plan now makes.</summary>
    internal static Spec Full()
    {
        var spec = DefaultSpec.Create(rootless: false);
        spec.Process!.Terminal = false;
        spec.Process.Cwd = "/work";
        spec.Process.OomScoreAdj = -17;
        spec.Process.User!.Umask = 0x17; // 027
        spec.Process.Rlimits = [new() { Type = "RLIMIT_NOFILE", Soft = 512, Hard = 1024 }, new() { Type = "RLIMIT_CORE", Soft = 0, Hard = ulong.MaxValue }];
        spec.Domainname = "example.org";
        spec.Linux!.Sysctl = new() { ["net.ipv4.ip_forward"] = "1", ["kernel.msgmax"] = "8192" };
        return spec;
    }

    private static List<string> Ops(RootfsPlan plan) =>
        plan.ToString().TrimEnd('\n').Split('\n').Select(l => l[(l.IndexOf(": ") + 2)..]).ToList();

    [Fact]
    public void Session_hostname_domainname_and_sysctls_follow_the_after_pivot_pause_before_the_masked_paths()
    {
        var ops = Ops(RootfsPlanCompiler.Compile(Full(), Input()));
        int pause = ops.IndexOf("Pause AfterPivot");

        ops.Skip(pause + 1).Take(7).Should().Equal(
            "Root /",
            "Setsid Tolerate errnos=EPERM",
            "Hostname jaula [hostname]",
            "Domainname example.org [domainname]",
            "RequireProcfs [linux.sysctl]",
            "ProcWrite sys/net/ipv4/ip_forward value=1 [linux.sysctl[\"net.ipv4.ip_forward\"]]",
            "ProcWrite sys/kernel/msgmax value=8192 [linux.sysctl[\"kernel.msgmax\"]]");
        ops.IndexOf("OpenNull [linux.maskedPaths]").Should().Be(pause + 8);
        ops.Should().NotContain(o => o.StartsWith("Console"), "no process.terminal");
    }

    [Fact]
    public void Keyring_oom_score_adj_rlimits_bounding_set_cwd_and_umask_end_the_plan_after_the_process_pause()
    {
        var ops = Ops(RootfsPlanCompiler.Compile(Full(), Input()));
        int pause = ops.IndexOf("Pause Process");
        pause.Should().BeGreaterThan(ops.IndexOf("OpenNull [linux.maskedPaths]"));

        var tail = ops.Skip(pause + 1).ToList();
        tail.Take(6).Should().Equal(
            "Keyring Tolerate|Warn _ses.c1 errnos=EACCES,ENOSYS,EDQUOT",
            "RequireProcfs [process.oomScoreAdj]",
            "ProcWrite ProcSelf oom_score_adj value=-17 [process.oomScoreAdj]",
            "Rlimit resource=7 soft=512 hard=1024 [process.rlimits[0]]",
            $"Rlimit resource=4 soft=0 hard={ulong.MaxValue} [process.rlimits[1]]",
            "CapBoundingDrop cap=0 [process.capabilities.bounding]");
        // The default bounding set keeps CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29): the other 38 go.
        var drops = tail.Where(o => o.StartsWith("CapBoundingDrop")).ToList();
        drops.Should().HaveCount(41 - 3).And.NotContain(o => o.StartsWith("CapBoundingDrop cap=5 ") || o.StartsWith("CapBoundingDrop cap=10 ") || o.StartsWith("CapBoundingDrop cap=29 "));
        tail.TakeLast(2).Should().Equal("Chdir /work [process.cwd]", "Umask mode=0027 [process.user.umask]");
    }

    [Fact]
    public void A_terminal_keeps_its_own_setsid_no_keyring_is_joined_on_request_and_no_process_means_no_process_ops()
    {
        var spec = Full();
        spec.Process!.Terminal = true;
        var ops = Ops(RootfsPlanCompiler.Compile(spec, Input(new ProcessFacts { SessionKeyring = null })));
        ops.Should().NotContain(o => o.StartsWith("Setsid") || o.StartsWith("Keyring"));

        // Capabilities the host lacks are not dropped: the process never had them.
        ops = Ops(RootfsPlanCompiler.Compile(Full(), Input(new ProcessFacts { HostBounding = (1UL << 5) | (1UL << 10) | (1UL << 29) | 1, LastCap = 40 })));
        ops.Where(o => o.StartsWith("CapBoundingDrop")).Should().Equal("CapBoundingDrop cap=0 [process.capabilities.bounding]");

        spec = Full();
        spec.Process = null;
        ops = Ops(RootfsPlanCompiler.Compile(spec, Input()));
        ops.Should().NotContain(o => o.StartsWith("Pause Process") || o.StartsWith("Keyring") || o.StartsWith("Chdir") || o.StartsWith("Umask"));
        ops.Should().Contain("Hostname jaula [hostname]").And.Contain("Setsid Tolerate errnos=EPERM", "the init leads a session of its own with or without a process");
    }

    [Fact]
    public void What_is_refused_before_any_system_call_fails_the_compile_naming_the_field()
    {
        var spec = Full();
        spec.Linux!.Sysctl = new() { ["net/ipv4.x"] = "1" };
        Compile(spec).Should().Be("linux.sysctl[\"net/ipv4.x\"]: not a sysctl name (use dotted names like net.ipv4.ip_forward)");

        spec = Full();
        spec.Process!.Rlimits = [new() { Type = "RLIMIT_NOFILE", Soft = 2048, Hard = 1024 }];
        Compile(spec).Should().Be("process.rlimits[0]: RLIMIT_NOFILE soft limit 2048 is above its hard limit 1024");

        spec.Process.Rlimits = [new() { Type = "RLIMIT_BOGUS", Soft = 1, Hard = 1 }];
        Compile(spec).Should().Be("process.rlimits[0]: unknown rlimit type \"RLIMIT_BOGUS\"");

        var hostWithoutKill = new ProcessFacts { HostBounding = ((1UL << 41) - 1) & ~(1UL << 5) };
        var act = () => RootfsPlanCompiler.Compile(Full(), Input(hostWithoutKill));
        act.Should().Throw<ContainerSetupException>().Which.Message.Should()
            .Be("process.capabilities.bounding: CAP_KILL is not in the host's capability bounding set, so the container cannot have it");
    }

    private static string Compile(Spec spec)
    {
        var act = () => RootfsPlanCompiler.Compile(spec, Input());
        return act.Should().Throw<ContainerSetupException>().Which.Message;
    }

    [Fact]
    public void A_failure_reported_by_C_reads_as_the_inits_own_calls_did()
    {
        var plan = RootfsPlanCompiler.Compile(Full(), Input());
        var ops = plan.Operations.ToList();
        string Describe(Func<RootfsOperation, bool> which, int errno, RootfsStep step) =>
            RootfsPlanFailure.Describe(plan, ops.FindIndex(o => which(o)), errno, step).Message;

        Describe(o => o.Kind == RootfsOpKind.Hostname, Errno.EPERM, RootfsStep.Sethostname)
            .Should().Be("hostname: sethostname jaula: Operation not permitted");
        Describe(o => o.Kind == RootfsOpKind.Domainname, Errno.EINVAL, RootfsStep.Setdomainname)
            .Should().Be("domainname: setdomainname example.org: Invalid argument");
        Describe(o => o.Kind == RootfsOpKind.RequireProcfs, Errno.EXDEV, RootfsStep.NotProcfs)
            .Should().Be("linux.sysctl: needs procfs mounted on /proc in the container (add a mount of type \"proc\")");
        Describe(o => o.Kind == RootfsOpKind.RequireProcfs && o.Field == RootfsField.OomScoreAdj, Errno.EXDEV, RootfsStep.NotProcfs)
            .Should().Be("process.oomScoreAdj: needs procfs mounted on /proc in the container (add a mount of type \"proc\")");

        Func<RootfsOperation, bool> forward = o => o.FieldKey == "net.ipv4.ip_forward";
        Describe(forward, Errno.ENOENT, RootfsStep.Openat2)
            .Should().Be("linux.sysctl[\"net.ipv4.ip_forward\"]: unknown sysctl: this kernel has no /proc/sys/net/ipv4/ip_forward");
        Describe(forward, Errno.EXDEV, RootfsStep.Openat2).Should().Be("linux.sysctl[\"net.ipv4.ip_forward\"]: /proc/sys/net/ipv4/ip_forward is covered "
            + "by a mount or reached through a link; jaula writes sysctls only into procfs itself (openat2 sys/net/ipv4/ip_forward: Invalid cross-device link)");
        Describe(forward, Errno.EXDEV, RootfsStep.NotProcfs).Should().EndWith("(fstatfs /proc (not procfs): Invalid cross-device link)");
        Describe(forward, Errno.EACCES, RootfsStep.Write).Should().Be("linux.sysctl[\"net.ipv4.ip_forward\"]: write: Permission denied "
            + "(only namespaced sysctls can be set, and their namespace must be the container's own)");

        Describe(o => o.Kind == RootfsOpKind.ProcWrite && o.Field == RootfsField.OomScoreAdj, Errno.EACCES, RootfsStep.Write)
            .Should().Be("process.oomScoreAdj: write: Permission denied");
        Describe(o => o.Kind == RootfsOpKind.ProcWrite && o.Field == RootfsField.OomScoreAdj, Errno.ELOOP, RootfsStep.Openat2)
            .Should().Be($"process.oomScoreAdj: openat2 {ProcfsFile.Self}/oom_score_adj: Too many levels of symbolic links");
        Describe(o => o.Kind == RootfsOpKind.Keyring, Errno.EINVAL, RootfsStep.Keyctl)
            .Should().Be("keyctl(JOIN_SESSION_KEYRING) _ses.c1: Invalid argument");
        Describe(o => o.Kind == RootfsOpKind.Rlimit && o.FieldIndex == 1, Errno.EINVAL, RootfsStep.Prlimit)
            .Should().Be("process.rlimits[1]: RLIMIT_CORE: setrlimit resource 4: Invalid argument");
        Describe(o => o.Kind == RootfsOpKind.CapBoundingDrop, Errno.EPERM, RootfsStep.CapBoundingDrop)
            .Should().Be("process.capabilities.bounding: dropping CAP_CHOWN from the bounding set: prctl(PR_CAPBSET_DROP) capability 0: Operation not permitted");
        Describe(o => o.Kind == RootfsOpKind.Chdir, Errno.ENOTDIR, RootfsStep.Chdir)
            .Should().Be("process.cwd: chdir /work: Not a directory");
        Describe(o => o.Kind == RootfsOpKind.Chdir, Errno.ENOENT, RootfsStep.OutsideRoot)
            .Should().Be("process.cwd: /work resolves outside the container's root (through a link such as /proc/self/fd/N); refusing to start the process there");
        Describe(o => o.Kind == RootfsOpKind.Setsid, Errno.ENOMEM, RootfsStep.Setsid).Should().Be("setsid: Cannot allocate memory");

        var error = RootfsPlanFailure.Describe(plan, ops.FindIndex(o => o.Kind == RootfsOpKind.Hostname), Errno.EPERM, RootfsStep.Sethostname);
        error.Field.Should().Be("hostname");
        ((ErrnoException)error.InnerException!).Errno.Should().Be(Errno.EPERM);

        ProcessPlanFailure.Warning(ops.Single(o => o.Kind == RootfsOpKind.Keyring), Errno.EDQUOT)
            .Should().Be("no session keyring of its own for the container: keyctl(JOIN_SESSION_KEYRING) _ses.c1: Disk quota exceeded");
    }

    [Fact]
    public void The_process_operations_decode_in_C_with_their_fields()
    {
        var plan = RootfsPlanCompiler.Compile(Full(), Input());
        var ops = plan.Operations.ToList();
        var output = s_driver.Decode(plan.Encode());
        string Line(Func<RootfsOperation, bool> which) => output.Split('\n').Single(l => l.StartsWith($"{ops.FindIndex(o => which(o))}: "));

        output.Should().StartWith($"rc={ops.Count}\n");
        Line(o => o.Kind == RootfsOpKind.Setsid).Should().EndWith("kind=16 flags=100 field=20/0 mflags=0 set=2 clr=0 dev=0 mode=0 owner=0:0 fd=-1 skip=0 arg=0 path=- source=- type=- data=-");
        Line(o => o.Kind == RootfsOpKind.Keyring).Should().EndWith($"kind=21 flags=300 field=18/0 mflags=0 set={1UL << 13 | 1UL << 38:x} clr={1UL << (122 - 64):x} dev=0 mode=0 owner=0:0 fd=-1 skip=0 arg=0 path=_ses.c1 source=- type=- data=-");
        Line(o => o.FieldKey == "kernel.msgmax").Should().EndWith("kind=20 flags=0 field=13/1 mflags=0 set=0 clr=0 dev=0 mode=0 owner=0:0 fd=-1 skip=0 arg=0 path=sys/kernel/msgmax source=- type=- data=8192");
        Line(o => o.Kind == RootfsOpKind.ProcWrite && o.Field == RootfsField.OomScoreAdj).Should().EndWith("kind=20 flags=400 field=15/0 mflags=0 set=0 clr=0 dev=0 mode=0 owner=0:0 fd=-1 skip=0 arg=0 path=oom_score_adj source=- type=- data=-17");
        Line(o => o.Kind == RootfsOpKind.Rlimit && o.FieldIndex == 1).Should().EndWith("kind=22 flags=0 field=16/1 mflags=0 set=0 clr=0 dev=ffffffffffffffff mode=0 owner=0:0 fd=-1 skip=0 arg=4 path=- source=- type=- data=-");
        Line(o => o.Kind == RootfsOpKind.Rlimit && o.FieldIndex == 0).Should().Contain("kind=22 flags=0 field=16/0 mflags=200 ").And.Contain(" dev=400 ").And.Contain(" arg=7 ");
        Line(o => o.Kind == RootfsOpKind.CapBoundingDrop).Should().EndWith("kind=23 flags=0 field=17/0 mflags=0 set=0 clr=0 dev=0 mode=0 owner=0:0 fd=-1 skip=0 arg=0 path=- source=- type=- data=-");
        Line(o => o.Kind == RootfsOpKind.Chdir).Should().EndWith("kind=24 flags=0 field=6/0 mflags=0 set=0 clr=0 dev=0 mode=0 owner=0:0 fd=-1 skip=0 arg=0 path=/work source=- type=- data=-");
        Line(o => o.Kind == RootfsOpKind.Umask).Should().EndWith("kind=25 flags=0 field=19/0 mflags=0 set=0 clr=0 dev=0 mode=27 owner=0:0 fd=-1 skip=0 arg=0 path=- source=- type=- data=-");
        Line(o => o.Pause == RootfsPause.Process).Should().Contain("kind=15 ").And.Contain(" arg=4 ");
    }

    [Theory]
    [InlineData(RootfsOpKind.Hostname, RootfsOpFlags.ProcSelf, "h", null, 0u, 0u)] // a flag of another kind
    [InlineData(RootfsOpKind.Keyring, RootfsOpFlags.Warn, "k", null, 0u, 0u)] // WARN without TOLERATE
    [InlineData(RootfsOpKind.ProcWrite, RootfsOpFlags.Tolerate, "sys/x", "1", 0u, 0u)]
    [InlineData(RootfsOpKind.Setsid, RootfsOpFlags.ResolveExisting, null, null, 0u, 0u)] // a mount flag
    [InlineData(RootfsOpKind.Rlimit, RootfsOpFlags.None, null, null, 64u, 0u)] // no such resource
    [InlineData(RootfsOpKind.CapBoundingDrop, RootfsOpFlags.None, null, null, 64u, 0u)]
    [InlineData(RootfsOpKind.Umask, RootfsOpFlags.None, null, null, 0u, 0x200u)] // more than 0777
    [InlineData(RootfsOpKind.ProcWrite, RootfsOpFlags.None, "sys/x", null, 0u, 0u)] // nothing to write
    [InlineData(RootfsOpKind.Hostname, RootfsOpFlags.None, null, null, 0u, 0u)] // no name
    [InlineData(RootfsOpKind.Chdir, RootfsOpFlags.None, null, null, 0u, 0u)]
    [InlineData(RootfsOpKind.Keyring, RootfsOpFlags.None, null, null, 0u, 0u)]
    [InlineData((RootfsOpKind)26, RootfsOpFlags.None, null, null, 0u, 0u)] // past the last kind
    public void The_decoder_refuses_a_process_operation_that_breaks_its_kinds_rules(RootfsOpKind kind, RootfsOpFlags flags, string? path, string? data, uint arg, uint mode)
    {
        var good = new RootfsPlan([new RootfsOperation { Kind = RootfsOpKind.Umask, Mode = 0x12 }]).Encode();
        s_driver.Decode(good).Should().StartWith("rc=1\n");
        var bad = new RootfsPlan([new RootfsOperation { Kind = kind, Flags = flags, Path = path, Data = data, Arg = arg, Mode = mode }]).Encode();
        s_driver.Decode(bad).Should().StartWith("rc=-22");
    }

    [Fact]
    public void A_pause_for_an_unknown_reason_is_refused()
    {
        var plan = new RootfsPlan([new RootfsOperation { Kind = RootfsOpKind.Pause, Pause = RootfsPause.Process }]).Encode();
        s_driver.Decode(plan).Should().StartWith("rc=1\n");
        BinaryPrimitives.WriteUInt32LittleEndian(plan.AsSpan(16 + 68), 5);
        s_driver.Decode(plan).Should().StartWith("rc=-22");
    }

    [Fact]
    public void Decide_is_a_function_of_the_spec_and_the_facts()
    {
        var spec = Full();
        spec.Process!.Env = ["PATH=/bin"];
        spec.Process.Capabilities!.Ambient = ["CAP_KILL", "CAP_CHOWN"];
        var facts = new ExecFacts { ResolveExecutable = (name, _, cwd) => $"/bin/{name}@{cwd}", HomeOf = uid => $"/home/{uid}", SetgroupsDenied = true };

        var target = ProcessSetup.Decide(spec, ["from the plan"], facts);

        target.Path.Should().Be($"/bin/{spec.Process.Args![0]}@/work");
        target.Env.Should().Contain("HOME=/home/0");
        target.SetGroups.Should().BeFalse("no groups were asked for and setgroups is denied");
        target.Warnings[0].Should().Be("from the plan");
        target.Warnings.Should().Contain(w => w.Contains("CAP_CHOWN can only be ambient"));
    }

    /// <summary>
    /// The C executor runs the process-local operations in a driver process of its own (never this test host): the
    /// tolerated setsid of a group leader comes back as a warning and the plan goes on; the rest takes effect. Nothing
    /// here needs root (the bounding-set drop does: the integration tests see it).
    /// </summary>
    [Fact]
    public void The_executor_applies_the_process_operations_and_reports_a_tolerated_failure_as_a_warning()
    {
        string dir = Directory.CreateTempSubdirectory("jaula-process-plan-").FullName;
        try
        {
            var (low, high) = RootfsOperation.ErrnoSet(Errno.EPERM);
            var plan = new RootfsPlan(
            [
                new() { Kind = RootfsOpKind.Setsid, Flags = RootfsOpFlags.Tolerate | RootfsOpFlags.Warn, AttrSet = low, AttrClear = high },
                new() { Kind = RootfsOpKind.RequireProcfs },
                new() { Kind = RootfsOpKind.ProcWrite, Flags = RootfsOpFlags.ProcSelf, Path = "oom_score_adj", Data = "501" },
                new() { Kind = RootfsOpKind.Rlimit, Arg = 7, MountFlags = (MountFlags)100, Dev = 200 },
                new() { Kind = RootfsOpKind.Chdir, Path = dir },
                new() { Kind = RootfsOpKind.Umask, Mode = 0x3F },
            ]);

            var lines = s_runner.Decode(plan.Encode(), "leader").Split('\n');

            lines[0].Should().Be($"rc=0 failed=-1 err=0 step=0 warn=0/{Errno.EPERM}/{(uint)RootfsStep.Setsid} next=6");
            lines[1].Should().Be($"umask=077 cwd={dir} nofile=100/200 oom=501");
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void The_executor_stops_at_a_failure_that_is_not_tolerated_naming_the_operation_and_step()
    {
        string Run(RootfsOperation op, string mode = "") => s_runner.Decode(new RootfsPlan([op, new() { Kind = RootfsOpKind.Umask, Mode = 0x3F }]).Encode(), mode).Split('\n')[0];

        Run(new() { Kind = RootfsOpKind.Setsid }, "leader")
            .Should().Be($"rc=-1 failed=0 err={Errno.EPERM} step={(uint)RootfsStep.Setsid} warn=-1/0/0 next=0");
        Run(new() { Kind = RootfsOpKind.Chdir, Path = "/nonexistent-jaula-dir" })
            .Should().Be($"rc=-1 failed=0 err={Errno.ENOENT} step={(uint)RootfsStep.Chdir} warn=-1/0/0 next=0");
        Run(new() { Kind = RootfsOpKind.ProcWrite, Path = "sys/kernel/jaula_no_such_sysctl", Data = "1" })
            .Should().Be($"rc=-1 failed=0 err={Errno.ENOENT} step={(uint)RootfsStep.Openat2} warn=-1/0/0 next=0");
        Run(new() { Kind = RootfsOpKind.ProcWrite, Path = "self/oom_score_adj", Data = "1" }) // /proc/self is a symlink
            .Should().Be($"rc=-1 failed=0 err={Errno.ELOOP} step={(uint)RootfsStep.Openat2} warn=-1/0/0 next=0");
        Run(new() { Kind = RootfsOpKind.Rlimit, Arg = 7, MountFlags = (MountFlags)300, Dev = 200 })
            .Should().Be($"rc=-1 failed=0 err={Errno.EINVAL} step={(uint)RootfsStep.Prlimit} warn=-1/0/0 next=0");
    }
    internal static Spec WithTerminal(ConsoleSize? size)
    {
        var spec = Full();
        spec.Process!.Terminal = true;
        spec.Process.ConsoleSize = size;
        return spec;
    }

    [Fact]
    public void A_terminal_is_one_console_operation_in_the_new_root_right_after_the_after_pivot_pause_instead_of_the_setsid()
    {
        var ops = Ops(RootfsPlanCompiler.Compile(WithTerminal(new ConsoleSize { Height = 40, Width = 132 }), Input()));
        int pause = ops.IndexOf("Pause AfterPivot");

        ops.Skip(pause + 1).Take(3).Should().Equal(
            "Root /",
            "Console ConsoleSize /dev/console source=/dev/ptmx size=40x132 fd=5 [process.terminal]",
            "Hostname jaula [hostname]");
        ops.Should().NotContain(o => o.StartsWith("Setsid"), "the console's attach makes the session");
        ops.IndexOf("OpenNull [linux.maskedPaths]").Should().BeGreaterThan(pause + 3, "before /dev may be masked or turn read-only");

        // No consoleSize: the pty keeps the size it was born with; sizes are 16 bits, as TIOCSWINSZ takes them.
        ops = Ops(RootfsPlanCompiler.Compile(WithTerminal(null), Input()));
        ops.Should().Contain("Console /dev/console source=/dev/ptmx fd=5 [process.terminal]");
        ops = Ops(RootfsPlanCompiler.Compile(WithTerminal(new ConsoleSize { Height = 0x10018, Width = 80 }), Input()));
        ops.Should().Contain("Console ConsoleSize /dev/console source=/dev/ptmx size=24x80 fd=5 [process.terminal]");

        var noSocket = () => RootfsPlanCompiler.Compile(WithTerminal(null), Input() with { SyncFd = -1 });
        noSocket.Should().Throw<InvalidOperationException>().WithMessage("*sync socket*");
    }

    [Fact]
    public void The_console_operation_decodes_in_C_with_its_fields()
    {
        var plan = RootfsPlanCompiler.Compile(WithTerminal(new ConsoleSize { Height = 40, Width = 132 }), Input());
        var ops = plan.Operations.ToList();
        var output = s_driver.Decode(plan.Encode());

        int console = ops.FindIndex(o => o.Kind == RootfsOpKind.Console);
        output.Split('\n').Single(l => l.StartsWith($"{console}: ")).Should().EndWith(
            "kind=26 flags=800 field=21/0 mflags=0 set=0 clr=0 dev=0 mode=0 owner=40:132 fd=5 skip=0 arg=0 path=/dev/console source=/dev/ptmx type=- data=-");
        output.Split('\n').Single(l => l.StartsWith($"{console - 1}: ")).Should().Contain("kind=2 ").And.Contain(" path=/ ");
    }

    [Theory]
    [InlineData(RootfsOpFlags.None, "/dev/console", null, 3, 0u, 0u)] // no ptmx
    [InlineData(RootfsOpFlags.None, null, "/dev/ptmx", 3, 0u, 0u)] // no console
    [InlineData(RootfsOpFlags.None, "/dev/console", "/dev/ptmx", -1, 0u, 0u)] // no sync socket
    [InlineData(RootfsOpFlags.None, "/dev/console", "/dev/ptmx", 3, 24u, 80u)] // a size without its flag
    [InlineData(RootfsOpFlags.ConsoleSize, "/dev/console", "/dev/ptmx", 3, 0x10000u, 80u)] // rows past 16 bits
    [InlineData(RootfsOpFlags.ConsoleSize, "/dev/console", "/dev/ptmx", 3, 24u, 0x10000u)]
    [InlineData(RootfsOpFlags.ProcSelf, "/dev/console", "/dev/ptmx", 3, 0u, 0u)] // a flag of another kind
    [InlineData(RootfsOpFlags.ConsoleSize | RootfsOpFlags.Tolerate, "/dev/console", "/dev/ptmx", 3, 0u, 0u)]
    public void The_decoder_refuses_a_console_operation_that_breaks_its_rules(RootfsOpFlags flags, string? path, string? source, int fd, uint rows, uint cols)
    {
        var good = new RootfsPlan([new RootfsOperation { Kind = RootfsOpKind.Console, Flags = RootfsOpFlags.ConsoleSize, Path = "/dev/console", Source = "/dev/ptmx", Fd = 3, Uid = 0xFFFF, Gid = 1 }]).Encode();
        s_driver.Decode(good).Should().StartWith("rc=1\n");
        var bad = new RootfsPlan([new RootfsOperation { Kind = RootfsOpKind.Console, Flags = flags, Path = path, Source = source, Fd = fd, Uid = rows, Gid = cols }]).Encode();
        s_driver.Decode(bad).Should().StartWith("rc=-22");
    }

    [Fact]
    public void A_console_failure_reads_as_the_inits_own_attach_did()
    {
        var plan = RootfsPlanCompiler.Compile(WithTerminal(new ConsoleSize { Height = 40, Width = 132 }), Input());
        int console = plan.Operations.ToList().FindIndex(o => o.Kind == RootfsOpKind.Console);
        string Describe(int errno, RootfsStep step) => RootfsPlanFailure.Describe(plan, console, errno, step).Message;

        Describe(Errno.ENOENT, RootfsStep.OpenPtmx)
            .Should().Be("process.terminal: cannot open a pty: open /dev/ptmx: No such file or directory (is devpts mounted on /dev/pts?)");
        Describe(Errno.EINVAL, RootfsStep.UnlockPty)
            .Should().Be("process.terminal: cannot open a pty: ioctl(TIOCSPTLCK) /dev/ptmx: Invalid argument (is devpts mounted on /dev/pts?)");
        Describe(Errno.ENOTTY, RootfsStep.PtyPeer).Should().Be("process.terminal: ioctl(TIOCGPTPEER): Inappropriate ioctl for device");
        Describe(Errno.EINVAL, RootfsStep.Winsize).Should().Be("process.terminal: ioctl(TIOCSWINSZ): Invalid argument");
        Describe(Errno.EPERM, RootfsStep.Setsid).Should().Be("process.terminal: setsid: Operation not permitted");
        Describe(Errno.EPERM, RootfsStep.Ctty).Should().Be("process.terminal: ioctl(TIOCSCTTY): Operation not permitted");
        Describe(Errno.EBADF, RootfsStep.Dup2).Should().Be("process.terminal: dup2: Bad file descriptor");
        Describe(Errno.ELOOP, RootfsStep.Openat2)
            .Should().Be("process.terminal: cannot bind the pty on /dev/console: openat2 /dev/console: Too many levels of symbolic links");
        Describe(Errno.ENOENT, RootfsStep.MissingParent)
            .Should().Be("process.terminal: cannot bind the pty on /dev/console: openat2 /dev/console: No such file or directory");
        Describe(Errno.EPERM, RootfsStep.Mount)
            .Should().Be("process.terminal: cannot bind the pty on /dev/console: mount /dev/console: Operation not permitted");

        var sent = RootfsPlanFailure.Describe(plan, console, Errno.EPIPE, RootfsStep.SendConsole);
        sent.Message.Should().Be("sendmsg: Broken pipe");
        sent.Field.Should().BeNull();
        var error = RootfsPlanFailure.Describe(plan, console, Errno.ENOENT, RootfsStep.OpenPtmx);
        error.Field.Should().Be("process.terminal");
        ((ErrnoException)error.InnerException!).Errno.Should().Be(Errno.ENOENT);
    }

    /// <summary>
    /// The C executor attaches a pty in a driver process of its own (never this test host), in a user and mount
    /// namespace of its own so the /dev/console bind needs no root and goes with it: the host's /dev/ptmx stands for
    /// the container's (the root here is "/"), the console target is a file the operation creates.
    /// </summary>
    [Fact]
    public void The_executor_attaches_the_pty_binds_it_on_the_console_and_sends_the_master_in_a_console_frame()
    {
        string dir = Directory.CreateTempSubdirectory("jaula-console-plan-").FullName;
        try
        {
            string target = Path.Combine(dir, "dev", "console");
            var plan = new RootfsPlan(
            [
                new() { Kind = RootfsOpKind.Root, Path = "/" },
                new() { Kind = RootfsOpKind.Console, Flags = RootfsOpFlags.ConsoleSize, Source = "/dev/ptmx", Path = target, Fd = 100, Uid = 40, Gid = 132, Field = RootfsField.Terminal },
            ]);

            var lines = s_console.Decode(plan.Encode(), "100", "ns", target).Split('\n');

            lines[0].Should().Be("rc=0 failed=-1 err=0 step=0 next=2");
            lines[1].Should().Be("frame=8 type=6 len=0 fd=yes rest=0", "one empty CONSOLE frame with the master, then nothing");
            lines[2].Should().Be("stdio=peer same=1 session=own ctty=own winsize=40x132");
            lines[3].Should().Be("console=peer");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_executor_stops_at_a_missing_ptmx_and_sends_nothing()
    {
        string dir = Directory.CreateTempSubdirectory("jaula-console-plan-").FullName;
        try
        {
            var plan = new RootfsPlan(
            [
                new() { Kind = RootfsOpKind.Root, Path = dir },
                new() { Kind = RootfsOpKind.Console, Source = "/dev/ptmx", Path = "/dev/console", Fd = 100, Field = RootfsField.Terminal },
            ]);

            var lines = s_console.Decode(plan.Encode(), "100", "plain", Path.Combine(dir, "dev", "console")).Split('\n');

            lines[0].Should().Be($"rc=-1 failed=1 err={Errno.ENOENT} step={(uint)RootfsStep.OpenPtmx} next=1");
            lines[1].Should().Be("frame=0 type=0 len=0 fd=no rest=0");
            Directory.Exists(Path.Combine(dir, "dev")).Should().BeFalse("nothing was created for the console");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
