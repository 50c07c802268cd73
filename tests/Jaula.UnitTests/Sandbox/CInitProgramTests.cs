using System.Buffers.Binary;
using FluentAssertions;
using Jaula.Sandbox.Capabilities;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Rootfs.Plan;
using Xunit;

namespace Jaula.UnitTests.Sandbox;

/// <summary>
/// The C init's program: encoded by C# (CInitProgram), decoded by native/c_init_decode.c together with the rootfs and
/// final-phase decoders it checks the inner plans with, under ASan/UBSan. A program that does not decode is refused
/// as a whole; the marker that makes jaula the C init is exact.
/// </summary>
public sealed class CInitProgramTests
{
    private static readonly PlanCheckDriver s_driver =
        new("init_program_check.c", "c_init_decode.c", "init_program_check", "rootfs_plan_decode.c", "final_phase.c");

    private static CInitProgram Sample(bool addHome = true, FinalPhasePlan? final = null, bool hooksDue = false) => new()
    {
        Rootfs = new RootfsPlan(InitOps()),
        Final = final ?? new FinalPhasePlan
        {
            Uid = 1000,
            Gid = 1000,
            Capabilities = new CapabilitySet(0x3, 0x1, 0x1, 0, 0),
            FifoFd = 4,
            KeepFdsFrom = 3,
            Path = "sh",
            ContainerId = "c1",
            Argv = ["sh", "-c", "true"],
            Env = ["PATH=/bin"],
        },
        AddHome = addHome,
        HooksDue = hooksDue,
        HomeUid = 1000,
        Cwd = "/work",
        Name = "sh",
        SearchPath = "/usr/bin:/bin",
    };

    /// <summary>A create's plan as RootfsPlanCompiler lays it out, with extra operations at the places named.</summary>
    private static List<RootfsOperation> InitOps(IEnumerable<RootfsOperation>? beforePivot = null, IEnumerable<RootfsOperation>? process = null,
        bool beforePivotPause = true, bool processPause = true) =>
    [
        new RootfsOperation { Kind = RootfsOpKind.Root, Path = "/tmp/rootfs" },
        new RootfsOperation { Kind = RootfsOpKind.Mkdir, Path = "/work", Field = RootfsField.Cwd },
        .. beforePivot ?? [],
        .. beforePivotPause ? [Pause(RootfsPause.BeforePivot)] : Array.Empty<RootfsOperation>(),
        new RootfsOperation { Kind = RootfsOpKind.Pivot, Path = "/tmp/rootfs" },
        Pause(RootfsPause.AfterPivot),
        new RootfsOperation { Kind = RootfsOpKind.Root, Path = "/" },
        .. processPause ? [Pause(RootfsPause.Process)] : Array.Empty<RootfsOperation>(),
        .. process ?? [],
        new RootfsOperation { Kind = RootfsOpKind.Umask, Mode = 0x12, Field = RootfsField.Umask },
    ];

    private static RootfsOperation Pause(RootfsPause reason) => new() { Kind = RootfsOpKind.Pause, Pause = reason };

    private static CInitProgram WithOps(List<RootfsOperation> ops) => Sample() with { Rootfs = new RootfsPlan(ops) };

    [Fact]
    public void A_program_decodes_to_what_was_encoded()
    {
        string output = s_driver.Decode(Sample().Encode());

        output.Should().Contain("rc=0\n");
        output.Should().Contain("flags=1 home_uid=1000\n");
        output.Should().Contain("cwd=/work\nname=sh\nsearch=/usr/bin:/bin\n");
        output.Should().Contain("final: uid=1000 fifo=4 report=-1 path=sh id=c1 argc=3 envc=1\n");
    }

    [Fact]
    public void With_HOME_in_the_environment_the_flag_is_clear()
    {
        s_driver.Decode(Sample(addHome: false).Encode()).Should().Contain("flags=0 ");
    }

    [Fact]
    public void The_hooks_sync_point_is_a_flag()
    {
        s_driver.Decode(Sample(addHome: false, hooksDue: true).Encode()).Should().Contain("rc=0\n").And.Contain("flags=2 ");
        s_driver.Decode(Sample(hooksDue: true).Encode()).Should().Contain("flags=3 ");
    }

    private static CInitProgram WithHooks() => Sample(hooksDue: true) with
    {
        Hooks =
        [
            new CInitHook(CInitHookKind.CreateContainer, 0, "/bin/sh", ["sh", "-c", "true"], ["A=1"], 5),
            new CInitHook(CInitHookKind.CreateContainer, 1, "/x", ["/x"], [], null),
            new CInitHook(CInitHookKind.StartContainer, 0, "/hook.sh", ["hook.sh", "start"], ["LOG=/l", "PATH=/bin"], null),
        ],
        CreateState = "{\"status\":\"creating\"}"u8.ToArray(),
        StartState = "{\"status\":\"created\"}"u8.ToArray(),
    };

    [Fact]
    public void The_init_hooks_decode_to_what_was_encoded()
    {
        string output = s_driver.Decode(WithHooks().Encode());

        output.Should().Contain("rc=0\n");
        output.Should().Contain("hooks=3 create=2 create_state={\"status\":\"creating\"} start_state={\"status\":\"created\"}\n");
        output.Should().Contain("hook 0: rc=0 kind=1 index=0 flags=1 timeout=5 path=/bin/sh arg=sh arg=-c arg=true env=A=1 end=null\n");
        output.Should().Contain("hook 1: rc=0 kind=1 index=1 flags=0 timeout=0 path=/x arg=/x end=null\n");
        output.Should().Contain("hook 2: rc=0 kind=2 index=0 flags=0 timeout=0 path=/hook.sh arg=hook.sh arg=start env=LOG=/l env=PATH=/bin end=null\n");
    }

    [Fact]
    public void Init_hooks_the_C_init_could_not_run_are_refused()
    {
        // createContainer hooks need the sync point that brings their executables
        s_driver.Decode((WithHooks() with { HooksDue = false }).Encode()).Should().StartWith("rc=-22");
        // and the state for their stdin
        s_driver.Decode((WithHooks() with { CreateState = null }).Encode()).Should().StartWith("rc=-22");
        s_driver.Decode((WithHooks() with { StartState = null }).Encode()).Should().StartWith("rc=-22");
        // createContainer ones first
        var h = WithHooks().Hooks;
        s_driver.Decode((WithHooks() with { Hooks = [h[2], h[0]] }).Encode()).Should().StartWith("rc=-22");
        // an argv of none
        s_driver.Decode((WithHooks() with { Hooks = [h[0] with { Argv = [] }] }).Encode()).Should().StartWith("rc=-22");
        // more hooks than the C init takes
        byte[] program = WithHooks().Encode();
        BinaryPrimitives.WriteUInt32LittleEndian(program.AsSpan(24), 257);
        s_driver.Decode(program).Should().StartWith("rc=-7");
        // more hooks than the scratch holds (the driver's is 64 slots)
        var many = Enumerable.Range(0, 30).Select(i => $"E{i}=1").ToArray();
        s_driver.Decode((WithHooks() with { Hooks = [h[0] with { Env = many, Argv = many }] }).Encode()).Should().StartWith("rc=-7");
    }

    [Fact]
    public void Every_truncation_is_refused()
    {
        byte[] program = Sample().Encode();
        for (int cut = 0; cut < program.Length; cut += 3)
        {
            byte[] part = program[..cut];
            if (part.Length >= 8)
                BinaryPrimitives.WriteUInt32LittleEndian(part.AsSpan(4), (uint)part.Length); // only the inner lengths can tell
            s_driver.Decode(part).Should().StartWith("rc=-", "a program cut at {0} of {1} bytes", cut, program.Length);
        }
    }

    [Theory]
    [InlineData(0, 0x12345678u)]  // magic
    [InlineData(8, 0x4u)]         // an unknown flag
    [InlineData(16, 0xFFFFu)]     // the rootfs plan's length
    [InlineData(16, 8u)]          // a rootfs plan shorter than it is
    [InlineData(20, 1u)]          // the final plan's length
    [InlineData(24, 1u)]          // a hook count without hooks
    public void A_wrong_field_is_refused(int offset, uint value)
    {
        byte[] program = Sample().Encode();
        BinaryPrimitives.WriteUInt32LittleEndian(program.AsSpan(offset), value);

        s_driver.Decode(program).Should().StartWith("rc=-22");
    }

    [Fact]
    public void Trailing_bytes_and_a_broken_inner_plan_are_refused()
    {
        byte[] program = Sample().Encode();
        byte[] longer = [.. program, 0, 0, 0, 0, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32LittleEndian(longer.AsSpan(4), (uint)longer.Length);
        s_driver.Decode(longer).Should().StartWith("rc=-22");

        byte[] broken = (byte[])program.Clone();
        int magic = IndexOf(broken, [0x4A, 0x52, 0x50, 0x31]); // "JRP1"
        broken[magic] ^= 0xFF;
        s_driver.Decode(broken).Should().StartWith("rc=-22");
    }

    [Fact]
    public void A_final_plan_the_C_init_cannot_run_is_refused()
    {
        var listener = Sample().Final with { EarlyListener = true, SeccompFlags = 8, Bpf = new byte[8], ReportFd = 3 };
        s_driver.Decode(Sample(final: listener).Encode()).Should().StartWith("rc=-22");
        var noFifo = Sample().Final with { FifoFd = -1 };
        s_driver.Decode(Sample(final: noFifo).Encode()).Should().StartWith("rc=-22");
    }

    [Fact]
    public void A_program_without_its_pauses_is_refused_whole()
    {
        s_driver.Decode(WithOps(InitOps()).Encode()).Should().StartWith("rc=0\n");
        s_driver.Decode(WithOps(InitOps(beforePivotPause: false)).Encode()).Should().StartWith("rc=-22", "the hooks' sync point");
        s_driver.Decode(WithOps(InitOps(processPause: false)).Encode()).Should().StartWith("rc=-22", "where the init stops dying with create");
        s_driver.Decode(WithOps(InitOps(process: [Pause(RootfsPause.Process)])).Encode()).Should().StartWith("rc=-22", "twice");
        s_driver.Decode(WithOps(InitOps(beforePivot: [Pause(RootfsPause.BeforePivot)])).Encode()).Should().StartWith("rc=-22", "twice");
        var ops = InitOps(beforePivotPause: false);
        ops.Insert(ops.FindIndex(o => o.Kind == RootfsOpKind.Pivot) + 1, Pause(RootfsPause.BeforePivot));
        s_driver.Decode(WithOps(ops).Encode()).Should().StartWith("rc=-22", "the hooks run before the root changes");
        ops = InitOps(processPause: false, beforePivot: [Pause(RootfsPause.Process)]);
        s_driver.Decode(WithOps(ops).Encode()).Should().StartWith("rc=-22", "PROCESS before BEFORE_PIVOT");
        // a pause inside an ALT_ON_EPERM fallback, which runs only on EPERM
        var alt = new RootfsOperation { Kind = RootfsOpKind.Mount, Flags = RootfsOpFlags.ResolveMkdir | RootfsOpFlags.AltOnEperm, Skip = 1, Path = "/sys", Source = "sysfs", FsType = "sysfs" };
        ops = InitOps(beforePivotPause: false, beforePivot: [alt, Pause(RootfsPause.BeforePivot)]);
        s_driver.Decode(WithOps(ops).Encode()).Should().StartWith("rc=-22", "a pause that may be skipped");
        ops = InitOps(beforePivot: [alt, new RootfsOperation { Kind = RootfsOpKind.Mkdir, Path = "/sys" }]);
        s_driver.Decode(WithOps(ops).Encode()).Should().StartWith("rc=0\n", "the fallback itself is fine");
    }

    [Fact]
    public void Operations_only_the_managed_init_serves_are_refused_whole()
    {
        var copyUp = new RootfsOperation { Kind = RootfsOpKind.Mount, Flags = RootfsOpFlags.ResolveMkdir | RootfsOpFlags.CopyUp, Path = "/run", Source = "tmpfs", FsType = "tmpfs" };
        s_driver.Decode(WithOps(InitOps(beforePivot: [copyUp with { Flags = RootfsOpFlags.ResolveMkdir }])).Encode()).Should().StartWith("rc=0\n");
        s_driver.Decode(WithOps(InitOps(beforePivot: [copyUp])).Encode()).Should().StartWith("rc=-22", "tmpcopyup copies in C#");
        var tree = new RootfsOperation { Kind = RootfsOpKind.MoveMount, Flags = RootfsOpFlags.ResolveMkdir, Path = "/data", Fd = 7 };
        s_driver.Decode(WithOps(InitOps(beforePivot: [tree])).Encode()).Should().StartWith("rc=-22", "no idmapped tree reaches the C init");
    }

    [Fact]
    public void The_console_is_sent_on_the_sync_socket_only()
    {
        var console = new RootfsOperation { Kind = RootfsOpKind.Console, Source = "/dev/ptmx", Path = "/dev/console", Fd = 3, Field = RootfsField.Terminal };
        byte[] program = WithOps(InitOps(process: [console])).Encode();
        s_driver.Decode(program).Should().StartWith("rc=0\n");
        s_driver.Decode(program, "5").Should().StartWith("rc=-22", "the sync socket is fd 5 here");
        s_driver.Decode(WithOps(InitOps(process: [console with { Fd = 4 }])).Encode()).Should().StartWith("rc=-22", "fd 4 is the exec fifo");
        s_driver.Decode(WithOps(InitOps(process: [console with { Fd = 0 }])).Encode()).Should().StartWith("rc=-22");
    }

    [Fact]
    public void The_fifo_and_the_report_fd_follow_the_sync_socket()
    {
        s_driver.Decode(Sample().Encode(), "5").Should().StartWith("rc=-22", "the fifo is fd 6 when the sync socket is 5");
        s_driver.Decode(Sample(final: Sample().Final with { FifoFd = 6 }).Encode(), "5").Should().StartWith("rc=0\n");
        s_driver.Decode(Sample(final: Sample().Final with { FifoFd = 7 }).Encode()).Should().StartWith("rc=-22");
        s_driver.Decode(ExecSample().Encode(), "4").Should().StartWith("rc=-22", "an exec reports on its sync socket");
        s_driver.Decode(ExecSample().Encode(), "2").Should().StartWith("rc=-22", "the sync socket is above stderr");
    }

    /// <summary>An exec's program (JAULA_INIT_EXEC): process operations only, a report fd, no fifo.</summary>
    private static CInitProgram ExecSample(bool chroot = false, IReadOnlyList<RootfsOperation>? ops = null, FinalPhasePlan? final = null) =>
        Sample() with
        {
            Rootfs = new RootfsPlan(ops ?? [
                new RootfsOperation { Kind = RootfsOpKind.Rlimit, Arg = 7, MountFlags = (Jaula.Linux.MountFlags)1024, Dev = 1024, Field = RootfsField.Rlimits },
                new RootfsOperation { Kind = RootfsOpKind.CapBoundingDrop, Arg = 21, Field = RootfsField.CapabilitiesBounding },
                new RootfsOperation { Kind = RootfsOpKind.Chdir, Path = "/work", Field = RootfsField.Cwd },
                new RootfsOperation { Kind = RootfsOpKind.Umask, Mode = 0x12, Field = RootfsField.Umask },
            ]),
            Final = final ?? Sample().Final with { FifoFd = -1, ReportFd = 3 },
            Exec = true,
            ExecChroot = chroot,
        };

    [Fact]
    public void An_exec_program_with_hooks_is_refused_whole()
    {
        s_driver.Decode(ExecSample().Encode()).Should().StartWith("rc=0");
        s_driver.Decode((ExecSample() with { HooksDue = true }).Encode()).Should().StartWith("rc=-22", "an exec runs no hook");
    }

    [Theory]
    [InlineData(false, 4u)]
    [InlineData(true, 12u)]
    public void An_exec_program_decodes_to_what_was_encoded(bool chroot, uint flags)
    {
        string text = s_driver.Decode(ExecSample(chroot).Encode());

        text.Should().StartWith("rc=0\n").And.Contain($"flags={flags | 1} home_uid=1000\n");
        text.Should().Contain("final: uid=1000 fifo=-1 report=3 path=sh id=c1 argc=3 envc=1\n");
    }

    [Fact]
    public void An_exec_program_with_an_init_s_operations_or_final_plan_is_refused()
    {
        s_driver.Decode(ExecSample(ops: Sample().Rootfs.Operations).Encode()).Should().StartWith("rc=-22", "mounts are the init's");
        var session = new RootfsOperation { Kind = RootfsOpKind.Setsid, Field = RootfsField.Session };
        s_driver.Decode(ExecSample(ops: [session]).Encode()).Should().StartWith("rc=-22", "the exec'd process keeps exec's session");
        s_driver.Decode(ExecSample(final: Sample().Final).Encode()).Should().StartWith("rc=-22", "an exec has no fifo");
        s_driver.Decode(ExecSample(final: Sample().Final with { FifoFd = -1 }).Encode()).Should().StartWith("rc=-22", "an exec reports on the socket");
        var listener = Sample().Final with { FifoFd = -1, ReportFd = 3, EarlyListener = true, SeccompFlags = 8, Bpf = new byte[8] };
        s_driver.Decode(ExecSample(final: listener).Encode()).Should().StartWith("rc=-22", "a notifying filter stays managed");
        s_driver.Decode((Sample() with { ExecChroot = true }).Encode()).Should().StartWith("rc=-22", "chroot only for exec");
    }

    [Theory]
    [InlineData("jaula init-c 3 -- JAULA_INIT=c", 3)]
    [InlineData("jaula init-c 12 -- JAULA_INIT=c", 12)]
    [InlineData("jaula init 3 -- JAULA_INIT=c", -1)]
    [InlineData("jaula init-c 3 -- JAULA_INIT=1", -1)]
    [InlineData("jaula init-c 3 -- JAULA_INIT=c PATH=/bin", -1)]
    [InlineData("jaula init-c 3", -1)]
    [InlineData("jaula init-c 2 -- JAULA_INIT=c", -1)]
    [InlineData("jaula init-c 3x -- JAULA_INIT=c", -1)]
    [InlineData("jaula init-c 3 extra -- JAULA_INIT=c", -1)]
    [InlineData("sh init-c 3 -- JAULA_INIT=c", -1)]
    [InlineData("jaula init-c 03 -- JAULA_INIT=c", -1)]
    [InlineData("jaula init-c +3 -- JAULA_INIT=c", -1)]
    [InlineData("jaula init-c -- JAULA_INIT=c", -1)]
    [InlineData("jaula init-c 99999999999 -- JAULA_INIT=c", -1)]
    [InlineData("jaula init-c 1000000 -- JAULA_INIT=c", 1000000)]
    [InlineData("jaula init-c 1000001 -- JAULA_INIT=c", -1)]
    // argc saying 3 where the NULL-terminated argv has fewer or more words: refused, nothing read past the NULL
    [InlineData("--argc 3 jaula init-c -- JAULA_INIT=c", -1)]
    [InlineData("--argc 3 jaula -- JAULA_INIT=c", -1)]
    [InlineData("--argc 3 jaula init-c 3 4 -- JAULA_INIT=c", -1)]
    [InlineData("--argc 3 jaula init-c 3 -- JAULA_INIT=c", 3)]
    public void Only_the_exact_marker_makes_the_C_init(string words, int fd)
    {
        s_driver.Invoke(["--marker", .. words.Split(' ')]).Should().Be($"marker={fd}\n");
    }

    [Fact]
    public void An_oversized_program_is_refused_when_encoded()
    {
        var huge = Sample().Final with { Env = [new string('x', 9 << 20)], Argv = [new string('y', 8 << 20)] };
        var encode = () => Sample(final: huge).Encode();
        encode.Should().Throw<Jaula.Sandbox.ContainerSetupException>().Which.Field.Should().Be("process");
    }

    /// <summary>
    /// The fuzz seeds of the init program (tests/fuzz/init-seeds) are programs of this encoding; set
    /// JAULA_WRITE_FUZZ_SEEDS=1 to rewrite them after a change of it. Otherwise each must still decode.
    /// </summary>
    [Fact]
    public void The_fuzz_seeds_are_programs_of_this_encoding()
    {
        string dir = Path.Combine(PlanCheckDriver.RepositoryRoot(), "tests", "fuzz", "init-seeds");
        var seeds = new Dictionary<string, byte[]>
        {
            ["sample.prog"] = Sample().Encode(),
            ["nohome.prog"] = Sample(addHome: false).Encode(),
            ["hooks.prog"] = Sample(hooksDue: true).Encode(),
            ["inithooks.prog"] = WithHooks().Encode(),
            ["seccomp.prog"] = Sample(final: Sample().Final with { Bpf = new byte[64], Groups = [1, 2, 3], NoNewPrivileges = true }).Encode(),
            ["exec.prog"] = ExecSample().Encode(),
            ["exec-chroot.prog"] = ExecSample(chroot: true).Encode(),
            ["console.prog"] = WithOps(InitOps(process: [new RootfsOperation
            {
                Kind = RootfsOpKind.Console, Flags = RootfsOpFlags.ConsoleSize, Source = "/dev/ptmx", Path = "/dev/console", Fd = 3, Uid = 24, Gid = 80,
                Field = RootfsField.Terminal,
            }])).Encode(),
            ["fallback.prog"] = WithOps(InitOps(beforePivot: [
                new RootfsOperation { Kind = RootfsOpKind.Mount, Flags = RootfsOpFlags.ResolveMkdir | RootfsOpFlags.AltOnEperm, Skip = 1, Path = "/sys", Source = "sysfs", FsType = "sysfs" },
                new RootfsOperation { Kind = RootfsOpKind.Mount, Flags = RootfsOpFlags.ResolveMkdir, MountFlags = (Jaula.Linux.MountFlags)0x1000, Path = "/sys", Source = "/sys" },
            ])).Encode(),
        };
        if (Environment.GetEnvironmentVariable("JAULA_WRITE_FUZZ_SEEDS") == "1")
        {
            foreach (var (name, bytes) in seeds)
                File.WriteAllBytes(Path.Combine(dir, name), bytes);
        }
        foreach (string file in Directory.GetFiles(dir))
            s_driver.Decode(File.ReadAllBytes(file)).Should().StartWith("rc=0", "seed {0} must decode", file);
        Directory.GetFiles(dir).Should().HaveCountGreaterThanOrEqualTo(seeds.Count);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
                return i;
        }
        throw new InvalidOperationException("not found");
    }
}
