namespace Jaula.Oci.Tests.Validation;

public class LinuxRuleTests
{
    [Fact]
    public void Every_namespace_type_is_accepted_once() =>
        Specs.ProblemsAfter(s => s.Linux!.Namespaces = Specs.Namespaces([.. NamespaceTypes.All])).Should().BeEmpty();

    [Fact]
    public void Unknown_namespace_types_are_refused() =>
        Specs.ProblemsAfter(s => s.Linux!.Namespaces = Specs.Namespaces("pid", "net"))
            .ShouldReport("linux.namespaces[1].type", "pid, network, mount, ipc, uts, user, cgroup or time");

    [Fact]
    public void Namespace_types_may_appear_once() =>
        Specs.ProblemsAfter(s => s.Linux!.Namespaces = Specs.Namespaces("ipc", "ipc"))
            .ShouldReport("linux.namespaces[1].type", "already listed at linux.namespaces[0]");

    [Fact]
    public void Duplicate_namespace_names_the_first_entry_even_after_a_null_one()
    {
        var problems = Specs.ProblemsAfter(s => s.Linux!.Namespaces = [null!, new NamespaceSpec { Type = "pid" }, new NamespaceSpec { Type = "pid" }]);

        problems.Select(p => p.Field).Should().Equal("linux.namespaces[0]", "linux.namespaces[2].type");
        problems[1].Message.Should().Contain("already listed at linux.namespaces[1]");
    }

    [Fact]
    public void Namespace_paths_must_be_absolute() =>
        Specs.ProblemsAfter(s => s.Linux!.Namespaces = [new NamespaceSpec { Type = "mount", Path = "1234/ns/mnt" }])
            .ShouldReport("linux.namespaces[0].path", "such as \"/proc/1234/ns/mnt\"");

    [Fact]
    public void Id_mappings_need_a_user_namespace()
    {
        var problems = Specs.ProblemsAfter(s =>
        {
            s.Linux!.UidMappings = [new IdMapping { ContainerId = 0, HostId = 1000, Size = 1 }];
            s.Linux.GidMappings = [new IdMapping { ContainerId = 0, HostId = 1000, Size = 1 }];
        });

        problems.Select(p => p.Field).Should().Equal("linux.uidMappings", "linux.gidMappings");
        problems[0].Message.Should().Contain("add {\"type\": \"user\"} to linux.namespaces");
    }

    [Fact]
    public void Id_mappings_must_map_at_least_one_id() =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("user");
            s.Linux.UidMappings = [new IdMapping { ContainerId = 0, HostId = 1000, Size = 0 }];
        }).ShouldReport("linux.uidMappings[0].size", "must be greater than 0");

    [Fact]
    public void Id_ranges_must_not_overlap_on_the_container_side() =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("user");
            s.Linux.UidMappings = [new IdMapping { ContainerId = 0, HostId = 1000, Size = 10 }, new IdMapping { ContainerId = 5, HostId = 5000, Size = 10 }];
        }).ShouldReport("linux.uidMappings[1]", "overlaps linux.uidMappings[0] on the containerID side");

    [Fact]
    public void Id_ranges_must_not_overlap_on_the_host_side() =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("user");
            s.Linux.GidMappings = [new IdMapping { ContainerId = 0, HostId = 1000, Size = 10 }, new IdMapping { ContainerId = 100, HostId = 1009, Size = 1 }];
        }).ShouldReport("linux.gidMappings[1]", "on the hostID side");

    [Fact]
    public void Adjacent_id_ranges_are_fine() =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("user");
            s.Linux.UidMappings = [new IdMapping { ContainerId = 0, HostId = 1000, Size = 10 }, new IdMapping { ContainerId = 10, HostId = 1010, Size = 10 }];
            s.Linux.GidMappings = [.. s.Linux.UidMappings];
        }).Should().BeEmpty();

    [Fact]
    public void More_than_340_id_ranges_are_refused() =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("user");
            s.Linux.UidMappings = Enumerable.Range(0, 341)
                .Select(i => new IdMapping { ContainerId = (uint)i, HostId = 100000 + (uint)i, Size = 1 }).ToList();
        }).ShouldReport("linux.uidMappings", "at most 340 lines");

    [Fact]
    public void An_id_range_must_not_run_past_the_largest_id() =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("user");
            s.Linux.UidMappings = [new IdMapping { ContainerId = 0, HostId = int.MaxValue, Size = 2147483649 }];
        }).ShouldReport("linux.uidMappings[0].size", "past 4294967294");

    [Fact]
    public void Time_offsets_need_a_time_namespace() =>
        Specs.ProblemsAfter(s => s.Linux!.TimeOffsets = new() { ["boottime"] = new TimeOffsetSpec { Secs = 1 } })
            .ShouldReport("linux.timeOffsets", "needs a time namespace");

    [Fact]
    public void Only_monotonic_and_boottime_can_be_offset() =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("time");
            s.Linux.TimeOffsets = new() { ["monotonic"] = new TimeOffsetSpec(), ["realtime"] = new TimeOffsetSpec() };
        }).ShouldReport("linux.timeOffsets.realtime", "only monotonic or boottime can be offset");

    [Fact]
    public void Time_offset_nanoseconds_stay_below_a_second() =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("time");
            s.Linux.TimeOffsets = new() { ["monotonic"] = new TimeOffsetSpec { Nanosecs = 1_000_000_000 } };
        }).ShouldReport("linux.timeOffsets.monotonic.nanosecs", "less than 1000000000");

    [Theory]
    [InlineData("/data")]
    [InlineData("data")]
    [InlineData("/a/../b")]
    [InlineData("/a/./b/")]
    public void Mount_destinations_inside_the_container_are_accepted(string destination) =>
        Specs.ProblemsAfter(s => s.Mounts = [new MountSpec { Destination = destination }]).Should().BeEmpty();

    [Theory]
    [InlineData("/..")]
    [InlineData("../etc")]
    [InlineData("/a/../../etc")]
    public void Mount_destinations_climbing_above_the_root_are_refused(string destination) =>
        Specs.ProblemsAfter(s => s.Mounts = [new MountSpec { Destination = destination }])
            .ShouldReport("mounts[0].destination", "climbs above the container's root");

    [Fact]
    public void Mount_destination_must_not_be_empty() =>
        Specs.ProblemsAfter(s => s.Mounts = [new MountSpec { Destination = "/a" }, new MountSpec { Destination = "" }])
            .ShouldReport("mounts[1].destination", "must not be empty");

    [Fact]
    public void Idmapped_mount_needs_both_mappings() =>
        Specs.ProblemsAfter(s => s.Mounts =
            [new MountSpec { Destination = "/a", GidMappings = [new IdMapping { ContainerId = 0, HostId = 1, Size = 1 }] }])
            .ShouldReport("mounts[0].uidMappings", "is required when gidMappings is given");

    [Fact]
    public void Devices_need_a_known_type() =>
        Specs.ProblemsAfter(s => s.Linux!.Devices = [new DeviceSpec { Type = "d", Path = "/dev/x", Major = 1, Minor = 1 }])
            .ShouldReport("linux.devices[0].type", "found \"d\"");

    [Fact]
    public void Device_paths_must_be_absolute() =>
        Specs.ProblemsAfter(s => s.Linux!.Devices = [new DeviceSpec { Type = "c", Path = "null", Major = 1, Minor = 3 }])
            .ShouldReport("linux.devices[0].path", "must be an absolute path");

    [Fact]
    public void Device_numbers_are_required_except_for_fifos()
    {
        var problems = Specs.ProblemsAfter(s => s.Linux!.Devices =
            [new DeviceSpec { Type = "p", Path = "/run/fifo" }, new DeviceSpec { Type = "b", Path = "/dev/sda", Major = 8 }]);

        problems.ShouldReport("linux.devices[1].minor", "is required for a device of type \"b\"");
    }

    [Fact]
    public void Net_devices_need_a_network_namespace() =>
        Specs.ProblemsAfter(s => s.Linux!.NetDevices = new() { ["eth1"] = new NetDeviceSpec() })
            .ShouldReport("linux.netDevices", "needs a network namespace");

    [Theory]
    [InlineData("this-name-is-too-long")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("has space")]
    public void Net_device_names_must_be_interface_names(string name) =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("network");
            s.Linux.NetDevices = new() { ["eth1"] = new NetDeviceSpec { Name = name } };
        }).ShouldReport("linux.netDevices.eth1.name", "is not an interface name");

    [Theory]
    [InlineData("net.ipv4.ip_forward")]
    [InlineData("net/ipv4/conf/eth0.100/forwarding")]
    [InlineData("kernel.shm_rmid_forced")]
    public void Sysctl_names_are_accepted(string key) =>
        Specs.ProblemsAfter(s => s.Linux!.Sysctl = new() { [key] = "1" }).Should().BeEmpty();

    [Theory]
    [InlineData("")]
    [InlineData("net..ipv4")]
    [InlineData(".net")]
    [InlineData("net/../../etc/passwd")]
    [InlineData("/proc/sys/net")]
    [InlineData("net/./ipv4")]
    public void Sysctl_names_that_could_leave_proc_sys_are_refused(string key)
    {
        var problems = Specs.ProblemsAfter(s => s.Linux!.Sysctl = new() { [key] = "1" });

        problems.ShouldReport(FieldPath.Property("linux.sysctl", key), "is not a sysctl name");
    }

    [Fact]
    public void Masked_paths_must_be_absolute() =>
        Specs.ProblemsAfter(s => s.Linux!.MaskedPaths = ["/proc/kcore", "proc/keys"])
            .ShouldReport("linux.maskedPaths[1]", "must be an absolute path");

    [Fact]
    public void Readonly_paths_must_be_absolute() =>
        Specs.ProblemsAfter(s => s.Linux!.ReadonlyPaths = ["sys"]).ShouldReport("linux.readonlyPaths[0]", "must be an absolute path");

    [Theory]
    [InlineData("private")]
    [InlineData("rprivate")]
    [InlineData("slave")]
    [InlineData("rslave")]
    [InlineData("shared")]
    [InlineData("rshared")]
    [InlineData("unbindable")]
    [InlineData("runbindable")]
    public void Known_rootfs_propagations_are_accepted(string propagation) =>
        Specs.ProblemsAfter(s => s.Linux!.RootfsPropagation = propagation).Should().BeEmpty();

    [Fact]
    public void Unknown_rootfs_propagation_is_refused() =>
        Specs.ProblemsAfter(s => s.Linux!.RootfsPropagation = "rslaved")
            .ShouldReport("linux.rootfsPropagation", "unknown propagation \"rslaved\"");

    [Fact]
    public void Memory_policy_mode_is_required() =>
        Specs.ProblemsAfter(s => s.Linux!.MemoryPolicy = new MemoryPolicySpec()).ShouldReport("linux.memoryPolicy.mode", "is required");

    [Fact]
    public void Memory_policy_flags_must_be_known() =>
        Specs.ProblemsAfter(s => s.Linux!.MemoryPolicy = new MemoryPolicySpec { Mode = "MPOL_DEFAULT", Flags = ["MPOL_F_X"] })
            .ShouldReport("linux.memoryPolicy.flags[0]", "unknown flag");

    [Theory]
    [InlineData("MPOL_DEFAULT", "0", "must be empty for MPOL_DEFAULT")]
    [InlineData("MPOL_BIND", null, "is required for MPOL_BIND")]
    public void Memory_policy_nodes_follow_the_mode(string mode, string? nodes, string fragment) =>
        Specs.ProblemsAfter(s => s.Linux!.MemoryPolicy = new MemoryPolicySpec { Mode = mode, Nodes = nodes })
            .ShouldReport("linux.memoryPolicy.nodes", fragment);

    [Fact]
    public void Personality_domain_must_be_linux_or_linux32() =>
        Specs.ProblemsAfter(s => s.Linux!.Personality = new PersonalitySpec { Domain = "LINUX64" })
            .ShouldReport("linux.personality.domain", "must be LINUX or LINUX32");

    [Fact]
    public void Personality_flags_are_not_defined_yet() =>
        Specs.ProblemsAfter(s => s.Linux!.Personality = new PersonalitySpec { Domain = "LINUX", Flags = ["ADDR_NO_RANDOMIZE"] })
            .ShouldReport("linux.personality.flags[0]", "the spec defines none yet");

    [Fact]
    public void Intel_rdt_bandwidth_schema_starts_with_mb() =>
        Specs.ProblemsAfter(s => s.Linux!.IntelRdt = new IntelRdtSpec { MemBwSchema = "L3:0=1" })
            .ShouldReport("linux.intelRdt.memBwSchema", "must start with \"MB:\"");

    [Fact]
    public void Intel_rdt_schemata_lines_are_single_lines() =>
        Specs.ProblemsAfter(s => s.Linux!.IntelRdt = new IntelRdtSpec { Schemata = ["L3:0=1\nMB:0=2"] })
            .ShouldReport("linux.intelRdt.schemata[0]", "must be one line");

    [Theory]
    [InlineData("/", true)]
    [InlineData("group", true)]
    [InlineData("../escape", false)]
    [InlineData("..", false)]
    public void Intel_rdt_group_stays_inside_resctrl(string closId, bool accepted)
    {
        var problems = Specs.ProblemsAfter(s => s.Linux!.IntelRdt = new IntelRdtSpec { ClosId = closId });

        if (accepted)
        {
            problems.Should().BeEmpty();
        }
        else
        {
            problems.ShouldReport("linux.intelRdt.closID", "must be a resctrl group name");
        }
    }

    [Fact]
    public void Null_entries_in_lists_are_refused() =>
        Specs.ProblemsAfter(s => s.Linux!.Devices = [null!]).ShouldReport("linux.devices[0]", "must not be null");
}
