using Jaula.Cgroups;
using Jaula.Cgroups.Resources;
using Jaula.Oci;

namespace Jaula.Cgroups.Tests;

public class CgroupV2ManagerTests
{
    private readonly List<string> _warnings = [];

    private ICgroupManager Manager(FakeCgroupTree tree, string cgroupsPath = "/jaula-it/c1")
    {
        var layout = tree.Layout([], unified: true);
        File.WriteAllText(Path.Combine(tree["v2"], "cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma\n");
        File.WriteAllText(Path.Combine(tree["v2"], "cgroup.subtree_control"), "cpu\n");
        var m = CgroupManagers.ForContainer(layout, OwnCgroups.Parse(["0::/"]), cgroupsPath, "c1", _warnings.Add);
        // jaula-it is made by the manager; give it a subtree_control before Create enables controllers in it.
        Directory.CreateDirectory(Path.Combine(tree["v2"], "jaula-it"));
        File.WriteAllText(Path.Combine(tree["v2"], "jaula-it", "cgroup.subtree_control"), "");
        return m;
    }

    private static ICgroupManager Created(ICgroupManager m)
    {
        m.Create();
        FakeCgroupTree.Populate(m);
        return m;
    }

    [Fact]
    public void Create_enables_every_available_controller_down_the_path()
    {
        using var tree = new FakeCgroupTree();
        var m = Created(Manager(tree));
        m.Version.Should().Be(2);
        m.Paths[""].Should().Be(Path.Combine(tree["v2"], "jaula-it/c1"));
        FakeCgroupTree.Writes(tree["v2"], "cgroup.subtree_control").Should().Equal("cpu", "+cpuset", "+io", "+memory", "+hugetlb", "+pids", "+rdma");
        FakeCgroupTree.Writes(Path.Combine(tree["v2"], "jaula-it"), "cgroup.subtree_control").Should().HaveCount(7);
    }

    [Fact]
    public void Create_makes_directories_rwxr_xr_x_that_their_owner_can_list()
    {
        // A decimal 0755 once made them d-wxr----t: invisible to an unprivileged owner, who then could not delete them.
        using var tree = new FakeCgroupTree();
        var m = Created(Manager(tree, "/jaula-it/a/c1"));
        var mode = File.GetUnixFileMode(m.Paths[""]);
        mode.HasFlag(UnixFileMode.StickyBit).Should().BeFalse();
        (mode & (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute))
            .Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(Path.Combine(tree["v2"], "jaula-it", "a")).HasFlag(UnixFileMode.UserRead).Should().BeTrue();
    }

    [Fact]
    public void Every_field_is_converted_to_its_v2_file()
    {
        using var tree = new FakeCgroupTree();
        var m = Created(Manager(tree));
        m.Apply(new LinuxResources
        {
            Memory = new() { Limit = 16 << 20, Swap = 48 << 20, Reservation = 8 << 20, Swappiness = 10, Kernel = 1 },
            Cpu = new() { Shares = 1024, Quota = 20000, Period = 100000, Burst = 500, Idle = 1, Cpus = "0", Mems = "0" },
            Pids = new() { Limit = -1 },
            BlockIo = new() { Weight = 500, ThrottleReadBpsDevice = [new() { Major = 8, Minor = 0, Rate = 1000 }], ThrottleWriteIopsDevice = [new() { Major = 8, Minor = 0, Rate = 7 }] },
            HugepageLimits = [new() { PageSize = "2MB", Limit = 2097152 }],
            Rdma = new() { ["mlx4_0"] = new() { HcaHandles = 2 } },
        });
        string d = m.Paths[""];
        FakeCgroupTree.Writes(d, "memory.max").Should().Equal("16777216");
        FakeCgroupTree.Writes(d, "memory.swap.max").Should().Equal("33554432"); // swap alone = memory+swap - memory
        FakeCgroupTree.Writes(d, "memory.low").Should().Equal("8388608");
        FakeCgroupTree.Writes(d, "cpu.weight").Should().Equal("39");
        FakeCgroupTree.Writes(d, "cpu.max").Should().Equal("20000 100000");
        FakeCgroupTree.Writes(d, "cpu.max.burst").Should().Equal("500");
        FakeCgroupTree.Writes(d, "cpu.idle").Should().Equal("1");
        FakeCgroupTree.Writes(d, "cpuset.cpus").Should().Equal("0");
        FakeCgroupTree.Writes(d, "pids.max").Should().Equal("max");
        FakeCgroupTree.Writes(d, "io.weight").Should().Equal("default 4950");
        FakeCgroupTree.Writes(d, "io.max").Should().Equal("8:0 rbps=1000", "8:0 wiops=7");
        FakeCgroupTree.Writes(d, "hugetlb.2MB.max").Should().Equal("2097152");
        FakeCgroupTree.Writes(d, "hugetlb.2MB.rsvd.max").Should().Equal("2097152");
        FakeCgroupTree.Writes(d, "rdma.max").Should().Equal("mlx4_0 hca_handle=2");
        _warnings.Should().Contain(w => w.Contains("swappiness")).And.Contain(w => w.Contains("memory.kernel"));
    }

    [Fact]
    public void Unified_keys_are_written_as_given_and_unknown_files_are_named()
    {
        using var tree = new FakeCgroupTree();
        var m = Created(Manager(tree));
        File.WriteAllText(Path.Combine(m.Paths[""], "memory.high"), "");
        m.Apply(new LinuxResources { Unified = new() { ["memory.high"] = "1048576" } });
        FakeCgroupTree.Writes(m.Paths[""], "memory.high").Should().Equal("1048576");
        var act = () => m.Apply(new LinuxResources { Unified = new() { ["nosuch.file"] = "1" } });
        act.Should().Throw<CgroupException>().WithMessage("linux.resources.unified.nosuch.file: write \"1\" to */nosuch.file: No such file*");
        var escape = () => m.Apply(new LinuxResources { Unified = new() { ["../memory.max"] = "1" } });
        escape.Should().Throw<CgroupException>().WithMessage("*not a cgroup v2 file name*");
    }

    [Theory]
    [InlineData(-1, 0, "max", "max")]
    [InlineData(100, -1, "100", "max")]
    [InlineData(100, 100, "100", "0")]
    public void Swap_follows_runc_conversion(long limit, long swap, string memoryMax, string swapMax)
    {
        using var tree = new FakeCgroupTree();
        var m = Created(Manager(tree));
        m.Apply(new LinuxResources { Memory = new() { Limit = limit, Swap = swap } });
        FakeCgroupTree.Writes(m.Paths[""], "memory.max").Should().Equal(memoryMax);
        FakeCgroupTree.Writes(m.Paths[""], "memory.swap.max").Should().Equal(swapMax);
    }

    [Fact]
    public void V1_only_settings_are_refused_on_v2()
    {
        using var tree = new FakeCgroupTree();
        var m = Created(Manager(tree));
        ((Action)(() => m.Apply(new LinuxResources { Network = new() { ClassId = 1 } }))).Should().Throw<CgroupException>().WithMessage("linux.resources.network:*v1*");
        ((Action)(() => m.Apply(new LinuxResources { Cpu = new() { RealtimeRuntime = 100 } }))).Should().Throw<CgroupException>().WithMessage("*realtime*v1*");
        ((Action)(() => m.Apply(new LinuxResources { Memory = new() { Swap = 100 } }))).Should().Throw<CgroupException>().WithMessage("*needs a memory limit*");
    }

    [Fact]
    public void Device_rules_become_an_ebpf_program_where_the_last_matching_rule_wins()
    {
        var program = DeviceFilterProgram.Generate([
            new DeviceCgroupRule { Allow = false, Access = "rwm" },
            new DeviceCgroupRule { Allow = true, Type = "c", Major = 1, Minor = 3, Access = "rw" },
        ]);
        // 6 prologue loads, the allow block (type, 3 for access, major, minor, r0 = 1, exit) first, then deny-all, which
        // matches everything, so no fallthrough follows (the verifier refuses unreachable code).
        program.Should().HaveCount(6 + 8 + 2);
        program[6].Should().Be(DeviceFilterProgram.Insn(0x55, dst: 2, off: 7, imm: 2), "a non-char device jumps past the block");
        program[8].Should().Be(DeviceFilterProgram.Insn(0x54, dst: 1, imm: ~6), "anything but read and write is not this rule");
        program[10].Should().Be(DeviceFilterProgram.Insn(0x55, dst: 4, off: 3, imm: 1));
        program[12].Should().Be(DeviceFilterProgram.Insn(0xb7, dst: 0, imm: 1));
        program[14].Should().Be(DeviceFilterProgram.Insn(0xb7, dst: 0, imm: 0));
        program[^1].Should().Be(DeviceFilterProgram.Insn(0x95));
        DeviceFilterProgram.Generate([new DeviceCgroupRule { Allow = true, Type = "c", Major = 1, Minor = 3 }])
            .Should().HaveCount(6 + 5 + 2, "without a catch-all rule, an unmatched access falls through to deny");
    }

    [Fact]
    public void Bad_device_rules_are_named()
    {
        var act = () => DeviceFilterProgram.Generate([new DeviceCgroupRule { Allow = true, Type = "x" }]);
        act.Should().Throw<CgroupException>().WithMessage("linux.resources.devices[0].type:*");
    }

    [Fact]
    public void Freeze_kill_oom_and_stats_use_the_v2_files()
    {
        using var tree = new FakeCgroupTree();
        var m = Created(Manager(tree));
        string d = m.Paths[""];
        File.WriteAllText(Path.Combine(d, "cgroup.events"), "populated 1\nfrozen 1\n");
        m.Freeze();
        FakeCgroupTree.Writes(d, "cgroup.freeze").Should().Equal("1");
        m.FreezerState().Should().Be(FreezerState.Frozen);

        m.KillAll(9);
        FakeCgroupTree.Writes(d, "cgroup.kill").Should().Equal("1");

        File.WriteAllText(Path.Combine(d, "memory.events"), "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
        m.OomKillCount().Should().Be(1);

        File.WriteAllText(Path.Combine(d, "cpu.stat"), "usage_usec 100\nuser_usec 60\nsystem_usec 40\nnr_periods 3\nnr_throttled 2\nthrottled_usec 7\n");
        File.WriteAllText(Path.Combine(d, "memory.current"), "8192\n");
        File.WriteAllText(Path.Combine(d, "memory.max"), "max\n");
        File.WriteAllText(Path.Combine(d, "pids.current"), "2\n");
        File.WriteAllText(Path.Combine(d, "pids.max"), "10\n");
        File.WriteAllText(Path.Combine(d, "hugetlb.2MB.current"), "2097152\n");
        File.WriteAllText(Path.Combine(d, "hugetlb.2MB.max"), "4194304\n");
        var s = m.Stats();
        s.Cpu.Usage.Total.Should().Be(100_000);
        s.Cpu.Usage.User.Should().Be(60_000);
        s.Cpu.Throttling.ThrottledTime.Should().Be(7000);
        s.Memory.Usage.Usage.Should().Be(8192);
        s.Memory.Usage.Failcnt.Should().Be(5);
        s.Pids.Limit.Should().Be(10);
        s.Hugetlb["2MB"].Usage.Should().Be(2097152);
        s.Hugetlb["2MB"].Max.Should().Be(4194304);
    }

    [Fact]
    public void Destroy_removes_the_leaf_and_created_parents()
    {
        using var tree = new FakeCgroupTree();
        var layout = tree.Layout([], unified: true);
        var m = CgroupManagers.ForContainer(layout, OwnCgroups.Parse(["0::/"]), "/a/b/c1", "c1", _warnings.Add);
        m.Create();
        FakeCgroupTree.Populate(m);
        m.ToRecord().CreatedParents.Should().Equal(Path.Combine(tree["v2"], "a"), Path.Combine(tree["v2"], "a/b"));
        m.Destroy();
        Directory.Exists(Path.Combine(tree["v2"], "a")).Should().BeFalse();
    }

    [Theory]
    [InlineData(2UL, 1UL)]
    [InlineData(1024UL, 39UL)]
    [InlineData(262144UL, 10000UL)]
    public void Shares_convert_to_weight(ulong shares, ulong weight) => CgroupConversions.SharesToWeight(shares).Should().Be(weight);

    [Theory]
    [InlineData(10UL, 1UL)]
    [InlineData(1000UL, 10000UL)]
    public void Blkio_weight_converts_to_io_weight(ulong blkio, ulong io) => CgroupConversions.BlkioWeightToIoWeight(blkio).Should().Be(io);
}
