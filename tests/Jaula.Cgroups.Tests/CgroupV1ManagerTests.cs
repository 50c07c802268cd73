using Jaula.Cgroups;
using Jaula.Oci;

namespace Jaula.Cgroups.Tests;

public class CgroupV1ManagerTests
{
    private static readonly string[] Controllers = ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "net_cls", "net_prio", "rdma"];

    private readonly List<string> _warnings = [];

    private ICgroupManager Manager(FakeCgroupTree tree, string? cgroupsPath = "/jaula-it/c1", string own = "/", bool unified = true)
    {
        var layout = tree.Layout(Controllers, unified);
        File.WriteAllText(Path.Combine(tree["cpuset"], "cpuset.cpus"), "0-1\n");
        File.WriteAllText(Path.Combine(tree["cpuset"], "cpuset.mems"), "0\n");
        var ownLines = Controllers.Select((c, i) => $"{i + 1}:{c}:{own}").Append($"0::{own}");
        return CgroupManagers.ForContainer(layout, OwnCgroups.Parse(ownLines), cgroupsPath, "c1", _warnings.Add);
    }

    [Fact]
    public void Create_makes_the_path_in_every_controller_hierarchy_name_systemd_and_the_unified_one()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        m.Create();
        m.Version.Should().Be(1);
        foreach (string c in Controllers)
            Directory.Exists(Path.Combine(tree[c], "jaula-it/c1")).Should().BeTrue(c);
        Directory.Exists(Path.Combine(tree["unified"], "jaula-it/c1")).Should().BeTrue();
        Directory.Exists(Path.Combine(tree["systemd"], "jaula-it/c1")).Should().BeTrue("runc also uses the name=systemd hierarchy");
    }

    [Fact]
    public void Relative_and_empty_paths_are_below_our_own_cgroup()
    {
        using var tree = new FakeCgroupTree();
        Directory.CreateDirectory(Path.Combine(tree.Root, "x"));
        var m = Manager(tree, cgroupsPath: "", own: "/parent");
        m.Paths["memory"].Should().Be(Path.Combine(tree["memory"], "parent/c1"));
        var rel = Manager(tree, cgroupsPath: "sub/c1", own: "/parent");
        rel.Paths["pids"].Should().Be(Path.Combine(tree["pids"], "parent/sub/c1"));
        rel.Paths[""].Should().Be(Path.Combine(tree["unified"], "parent/sub/c1"));
    }

    [Fact]
    public void A_new_cpuset_inherits_cpus_and_mems_from_its_parent()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        // A real cpuset directory comes with empty cpuset.cpus/mems files.
        foreach (string dir in new[] { "jaula-it", "jaula-it/c1" })
        {
            Directory.CreateDirectory(Path.Combine(tree["cpuset"], dir));
            File.WriteAllText(Path.Combine(tree["cpuset"], dir, "cpuset.cpus"), "");
            File.WriteAllText(Path.Combine(tree["cpuset"], dir, "cpuset.mems"), "");
        }
        m.Create();
        FakeCgroupTree.Writes(m.Paths["cpuset"], "cpuset.cpus").Should().Equal("0-1");
        FakeCgroupTree.Writes(m.Paths["cpuset"], "cpuset.mems").Should().Equal("0");
    }

    [Fact]
    public void Every_field_goes_to_its_v1_file()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        m.Create();
        FakeCgroupTree.Populate(m);
        File.WriteAllText(Path.Combine(m.Paths["blkio"], "blkio.weight"), "");
        File.WriteAllText(Path.Combine(m.Paths["blkio"], "blkio.weight_device"), "");
        File.WriteAllText(Path.Combine(m.Paths["blkio"], "blkio.leaf_weight"), "");
        m.Apply(new LinuxResources
        {
            Memory = new() { Limit = 16 << 20, Swap = 32 << 20, Reservation = 8 << 20, KernelTcp = 1 << 20, Swappiness = 10, DisableOomKiller = true, Kernel = 5 },
            Cpu = new() { Shares = 512, Quota = 20000, Period = 100000, Burst = 1000, RealtimePeriod = 1000000, RealtimeRuntime = 950000, Cpus = "1", Mems = "0", Idle = 1 },
            Pids = new() { Limit = 0 },
            BlockIo = new()
            {
                Weight = 500, LeafWeight = 300, WeightDevice = [new() { Major = 8, Minor = 0, Weight = 100 }],
                ThrottleReadBpsDevice = [new() { Major = 8, Minor = 0, Rate = 1048576 }],
                ThrottleWriteIopsDevice = [new() { Major = 8, Minor = 16, Rate = 10 }],
            },
            Network = new() { ClassId = 0x100001, Priorities = [new() { Name = "eth0", Priority = 5 }] },
            Rdma = new() { ["mlx5_1"] = new() { HcaHandles = 3, HcaObjects = 10000 } },
            Devices = [new() { Allow = false, Access = "rwm" }, new() { Allow = true, Type = "c", Major = 1, Minor = 3, Access = "rwm" }],
        });
        string mem = m.Paths["memory"], cpu = m.Paths["cpu"], blkio = m.Paths["blkio"];
        FakeCgroupTree.Writes(mem, "memory.limit_in_bytes").Should().Equal("16777216");
        FakeCgroupTree.Writes(mem, "memory.memsw.limit_in_bytes").Should().Equal("33554432");
        FakeCgroupTree.Writes(mem, "memory.soft_limit_in_bytes").Should().Equal("8388608");
        FakeCgroupTree.Writes(mem, "memory.kmem.tcp.limit_in_bytes").Should().Equal("1048576");
        FakeCgroupTree.Writes(mem, "memory.swappiness").Should().Equal("10");
        FakeCgroupTree.Writes(mem, "memory.oom_control").Should().Equal("1");
        _warnings.Should().ContainSingle(w => w.Contains("memory.kernel"));
        FakeCgroupTree.Writes(cpu, "cpu.shares").Should().Equal("512");
        FakeCgroupTree.Writes(cpu, "cpu.cfs_period_us").Should().Equal("100000");
        FakeCgroupTree.Writes(cpu, "cpu.cfs_quota_us").Should().Equal("20000");
        FakeCgroupTree.Writes(cpu, "cpu.cfs_burst_us").Should().Equal("1000");
        FakeCgroupTree.Writes(cpu, "cpu.rt_period_us").Should().Equal("1000000");
        FakeCgroupTree.Writes(cpu, "cpu.rt_runtime_us").Should().Equal("950000");
        FakeCgroupTree.Writes(cpu, "cpu.idle").Should().Equal("1");
        FakeCgroupTree.Writes(m.Paths["cpuset"], "cpuset.cpus").Should().Equal("1");
        FakeCgroupTree.Writes(m.Paths["cpuset"], "cpuset.mems").Should().Equal("0");
        FakeCgroupTree.Writes(m.Paths["pids"], "pids.max").Should().Equal("0");
        FakeCgroupTree.Writes(blkio, "blkio.weight").Should().Equal("500");
        FakeCgroupTree.Writes(blkio, "blkio.leaf_weight").Should().Equal("300");
        FakeCgroupTree.Writes(blkio, "blkio.weight_device").Should().Equal("8:0 100");
        FakeCgroupTree.Writes(blkio, "blkio.throttle.read_bps_device").Should().Equal("8:0 1048576");
        FakeCgroupTree.Writes(blkio, "blkio.throttle.write_iops_device").Should().Equal("8:16 10");
        FakeCgroupTree.Writes(m.Paths["net_cls"], "net_cls.classid").Should().Equal("1048577");
        FakeCgroupTree.Writes(m.Paths["net_prio"], "net_prio.ifpriomap").Should().Equal("eth0 5");
        FakeCgroupTree.Writes(m.Paths["rdma"], "rdma.max").Should().Equal("mlx5_1 hca_handle=3 hca_object=10000");
        FakeCgroupTree.Writes(m.Paths["devices"], "devices.deny").Should().Equal("a *:* rwm");
        FakeCgroupTree.Writes(m.Paths["devices"], "devices.allow").Should().Equal("c 1:3 rwm");
    }

    [Fact]
    public void Pids_minus_one_is_max_and_unlimited_memory_makes_swap_unlimited()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        m.Create();
        FakeCgroupTree.Populate(m);
        m.Apply(new LinuxResources { Pids = new() { Limit = -1 }, Memory = new() { Limit = -1 } });
        FakeCgroupTree.Writes(m.Paths["pids"], "pids.max").Should().Equal("max");
        FakeCgroupTree.Writes(m.Paths["memory"], "memory.memsw.limit_in_bytes").Should().Equal("-1");
        FakeCgroupTree.Writes(m.Paths["memory"], "memory.limit_in_bytes").Should().Equal("-1");
    }

    [Fact]
    public void Raising_memory_above_the_old_swap_limit_writes_swap_first()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        m.Create();
        FakeCgroupTree.Populate(m);
        File.WriteAllText(Path.Combine(m.Paths["memory"], "memory.limit_in_bytes"), "1000\n");
        m.Apply(new LinuxResources { Memory = new() { Limit = 4000, Swap = 8000 } });
        // Both files record the new value last; the order is visible only on a real kernel, so check the values.
        FakeCgroupTree.Writes(m.Paths["memory"], "memory.limit_in_bytes").Should().Equal("1000", "4000");
        FakeCgroupTree.Writes(m.Paths["memory"], "memory.memsw.limit_in_bytes").Should().Equal("8000");
    }

    [Fact]
    public void Device_rules_are_written_in_order()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        m.Create();
        FakeCgroupTree.Populate(m);
        var spec = new Spec
        {
            OciVersion = "1.3.0",
            Linux = new LinuxSpec
            {
                Resources = new LinuxResources { Devices = [new() { Allow = false, Access = "rwm" }] },
                Devices = [new DeviceSpec { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229 }],
            },
        };
        m.Apply(new LinuxResources { Devices = Resources.DeviceRules.ForContainer(spec) });
        FakeCgroupTree.Writes(m.Paths["devices"], "devices.deny").Should().Equal("a *:* rwm", "a *:* rwm");
        var allowed = FakeCgroupTree.Writes(m.Paths["devices"], "devices.allow");
        allowed.Should().StartWith(["c *:* m", "b *:* m", "c 1:3 rwm"], "linux.devices gets no rule of its own, as with runc");
        allowed.Should().Contain("c 136:* rwm");
    }

    [Fact]
    public void A_shared_cgroup_that_already_has_the_device_list_is_not_rewritten()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        m.Create();
        FakeCgroupTree.Populate(m);
        var rules = Resources.DeviceRules.ForContainer(new Spec { OciVersion = "1.3.0" });
        string devices = m.Paths["devices"];
        // What the kernel shows after another container of this cgroup wrote the same rules.
        File.WriteAllLines(Path.Combine(devices, "devices.list"), rules.Skip(1).Select(r => Resources.DeviceRules.V1Line(r)));

        m.Apply(new LinuxResources { Devices = rules });

        // A rewrite starts with "deny all": the other container's mknod and open of /dev/null would fail until it ends.
        File.ReadAllText(Path.Combine(devices, "devices.deny")).Should().BeEmpty();
        File.ReadAllText(Path.Combine(devices, "devices.allow")).Should().BeEmpty();

        File.WriteAllText(Path.Combine(devices, "devices.list"), "a *:* rwm\n");
        m.Apply(new LinuxResources { Devices = rules });
        FakeCgroupTree.Writes(devices, "devices.deny").Should().Equal("a *:* rwm");
    }

    [Fact]
    public void A_device_list_is_compared_as_the_kernel_shows_it()
    {
        DeviceCgroupRule Rule(bool allow, string? type, long? major, long? minor, string access) =>
            new() { Allow = allow, Type = type, Major = major, Minor = minor, Access = access };
        var rules = new List<DeviceCgroupRule> { Rule(false, null, null, null, "mwr"), Rule(true, "c", 1, 3, "wmr"), Rule(true, "c", 136, null, "rw") };

        Resources.DeviceRules.V1ListIsAlready("c 136:* rw\nc 1:3 rwm\n", rules).Should().BeTrue("order and access letters as the kernel prints them");
        Resources.DeviceRules.V1ListIsAlready("c 1:3 rwm\n", rules).Should().BeFalse();
        Resources.DeviceRules.V1ListIsAlready("a *:* rwm\n", rules).Should().BeFalse("a fresh cgroup allows everything");
        Resources.DeviceRules.V1ListIsAlready(null, rules).Should().BeFalse();
        Resources.DeviceRules.V1ListIsAlready("c 1:3 rwm\n", [Rule(false, null, null, null, "rwm"), Rule(true, "c", 1, 3, "rwm"), Rule(false, "c", 1, 3, "w")])
            .Should().BeFalse("a later deny depends on what was there before");
        Resources.DeviceRules.V1ListIsAlready("c 1:3 rwm\n", [Rule(true, "c", 1, 3, "rwm")]).Should().BeFalse("no leading deny all");
    }

    [Fact]
    public void A_file_the_kernel_lacks_is_an_error_naming_field_file_and_value()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        m.Create();
        FakeCgroupTree.Populate(m);
        var act = () => m.Apply(new LinuxResources { BlockIo = new() { Weight = 500 } });
        act.Should().Throw<CgroupException>()
            .WithMessage($"linux.resources.blockIO.weight: write \"500\" to {m.Paths["blkio"]}/blkio.weight: No such file or directory*");
    }

    [Fact]
    public void Unified_settings_are_refused_on_v1()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        m.Create();
        var act = () => m.Apply(new LinuxResources { Unified = new() { ["memory.high"] = "1M" } });
        act.Should().Throw<CgroupException>().WithMessage("linux.resources.unified: needs cgroup v2*");
    }

    [Fact]
    public void A_controller_that_is_not_mounted_is_named()
    {
        using var tree = new FakeCgroupTree();
        var layout = tree.Layout(["memory"], unified: false);
        var m = CgroupManagers.ForContainer(layout, OwnCgroups.Parse([]), "/x", "c1", _warnings.Add);
        m.Create();
        var act = () => m.Apply(new LinuxResources { Pids = new() { Limit = 5 } });
        act.Should().Throw<CgroupException>().WithMessage("linux.resources.pids.limit: the pids cgroup controller is not mounted*");
    }

    [Fact]
    public void Hugetlb_on_a_hybrid_host_goes_to_the_unified_hierarchy_with_v2_names()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        m.Create();
        FakeCgroupTree.Populate(m);
        File.WriteAllText(Path.Combine(tree["unified"], "cgroup.subtree_control"), "");
        File.WriteAllText(Path.Combine(tree["unified"], "jaula-it", "cgroup.subtree_control"), "");
        m.Apply(new LinuxResources { HugepageLimits = [new() { PageSize = "2MB", Limit = 4 << 21 }] });
        FakeCgroupTree.Writes(tree["unified"], "cgroup.subtree_control").Should().Equal("+hugetlb");
        FakeCgroupTree.Writes(Path.Combine(tree["unified"], "jaula-it"), "cgroup.subtree_control").Should().Equal("+hugetlb");
        FakeCgroupTree.Writes(m.Paths[""], "hugetlb.2MB.max").Should().Equal("8388608");
        FakeCgroupTree.Writes(m.Paths[""], "hugetlb.2MB.rsvd.max").Should().Equal("8388608");
    }

    [Fact]
    public void Processes_go_into_every_hierarchy_and_are_listed_recursively()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        m.Create();
        FakeCgroupTree.Populate(m);
        m.AddProcess(4242);
        foreach (var dir in m.Paths.Values)
            FakeCgroupTree.Writes(dir, "cgroup.procs").Should().Equal("4242");
        Directory.CreateDirectory(Path.Combine(m.Paths[""], "child"));
        File.WriteAllText(Path.Combine(m.Paths[""], "child", "cgroup.procs"), "7\n8\n");
        m.Pids().Should().BeEquivalentTo([4242, 7, 8]);
    }

    [Fact]
    public void Freezer_and_oom_count_and_stats_read_the_v1_files()
    {
        using var tree = new FakeCgroupTree();
        var m = Manager(tree);
        m.Create();
        FakeCgroupTree.Populate(m);
        m.Freeze();
        m.FreezerState().Should().Be(FreezerState.Frozen);
        m.Thaw();
        m.FreezerState().Should().Be(FreezerState.Thawed);
        FakeCgroupTree.Writes(m.Paths["freezer"], "freezer.state").Should().Equal("FROZEN", "THAWED");

        File.WriteAllText(Path.Combine(m.Paths["memory"], "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        m.OomKillCount().Should().Be(2);

        File.WriteAllText(Path.Combine(m.Paths["cpuacct"], "cpuacct.usage"), "123456\n");
        File.WriteAllText(Path.Combine(m.Paths["cpuacct"], "cpuacct.usage_percpu"), "100000 23456 \n");
        File.WriteAllText(Path.Combine(m.Paths["cpuacct"], "cpuacct.stat"), "user 3\nsystem 4\n");
        File.WriteAllText(Path.Combine(m.Paths["cpu"], "cpu.stat"), "nr_periods 10\nnr_throttled 4\nthrottled_time 999\n");
        File.WriteAllText(Path.Combine(m.Paths["memory"], "memory.usage_in_bytes"), "4096\n");
        File.WriteAllText(Path.Combine(m.Paths["memory"], "memory.limit_in_bytes"), "16777216\n");
        File.WriteAllText(Path.Combine(m.Paths["memory"], "memory.stat"), "cache 100\nrss 200\n");
        File.WriteAllText(Path.Combine(m.Paths["pids"], "pids.current"), "3\n");
        File.WriteAllText(Path.Combine(m.Paths["pids"], "pids.max"), "max\n");
        File.WriteAllText(Path.Combine(m.Paths["blkio"], "blkio.throttle.io_service_bytes_recursive"), "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n");
        var s = m.Stats();
        s.Cpu.Usage.Total.Should().Be(123456);
        s.Cpu.Usage.Percpu.Should().Equal(100000UL, 23456UL);
        s.Cpu.Usage.User.Should().Be(30_000_000);
        s.Cpu.Usage.Kernel.Should().Be(40_000_000);
        s.Cpu.Throttling.ThrottledPeriods.Should().Be(4);
        s.Memory.Usage.Usage.Should().Be(4096);
        s.Memory.Usage.Limit.Should().Be(16777216);
        s.Memory.Cache.Should().Be(100);
        s.Memory.Raw!["rss"].Should().Be(200);
        s.Pids.Current.Should().Be(3);
        s.Pids.Limit.Should().Be(0);
        s.Blkio.IoServiceBytesRecursive.Should().ContainSingle(e => e.Op == "Read" && e.Value == 4096 && e.Major == 8);
    }

    [Fact]
    public void Destroy_removes_the_cgroups_and_the_parents_create_made_and_a_record_rebuilds_the_manager()
    {
        using var tree = new FakeCgroupTree();
        Directory.CreateDirectory(Path.Combine(tree.Root, "memory"));
        Directory.CreateDirectory(Path.Combine(tree.Root, "memory", "jaula-it"));
        var m = Manager(tree);
        m.Create();
        FakeCgroupTree.Populate(m);
        Directory.CreateDirectory(Path.Combine(m.Paths["pids"], "nested"));
        var record = m.ToRecord();
        record.CreatedParents.Should().NotContain(Path.Combine(tree["memory"], "jaula-it"), "it existed before");
        var again = CgroupManagers.FromRecord(record, _warnings.Add);
        again.Paths.Should().BeEquivalentTo(m.Paths);
        again.Destroy();
        foreach (string c in Controllers.Where(c => c != "memory"))
            Directory.Exists(Path.Combine(tree[c], "jaula-it")).Should().BeFalse(c);
        Directory.Exists(Path.Combine(tree["unified"], "jaula-it")).Should().BeFalse();
        Directory.Exists(Path.Combine(tree["memory"], "jaula-it", "c1")).Should().BeFalse();
        Directory.Exists(Path.Combine(tree["memory"], "jaula-it")).Should().BeTrue("create did not make it");
    }
}
