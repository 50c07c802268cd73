namespace Jaula.Oci.Tests.Validation;

/// <summary>
/// Every id handed to the kernel is in 0..2147483647 (runc's bound): 4294967295 means "unchanged" to setresuid, so a
/// process.user.uid of 4294967295 would run as the init's uid 0.
/// </summary>
public class IdRangeRuleTests
{
    private const string RangeText = "must be in range 0-2147483647";

    [Theory]
    [InlineData(0u)]
    [InlineData(1000u)]
    [InlineData(2147483647u)]
    public void Ids_up_to_2147483647_are_accepted(uint id) =>
        Specs.ProblemsAfter(s => s.Process!.User = new UserSpec { Uid = id, Gid = id, AdditionalGids = [id] })
            .Should().BeEmpty();

    [Theory]
    [InlineData(2147483648u)]
    [InlineData(4294967294u)]
    [InlineData(4294967295u)]
    public void A_uid_above_2147483647_is_refused(uint id) =>
        Specs.ProblemsAfter(s => s.Process!.User!.Uid = id).ShouldReport("process.user.uid", RangeText);

    [Fact]
    public void A_gid_above_2147483647_is_refused() =>
        Specs.ProblemsAfter(s => s.Process!.User!.Gid = uint.MaxValue).ShouldReport("process.user.gid", RangeText);

    [Fact]
    public void The_error_names_the_value() =>
        Specs.ProblemsAfter(s => s.Process!.User!.Uid = uint.MaxValue)[0].Message.Should().Contain("found 4294967295");

    [Fact]
    public void An_additional_gid_above_2147483647_is_refused() =>
        Specs.ProblemsAfter(s => s.Process!.User!.AdditionalGids = [5, uint.MaxValue])
            .ShouldReport("process.user.additionalGids[1]", RangeText);

    [Theory]
    [InlineData("containerID")]
    [InlineData("hostID")]
    public void A_user_namespace_mapping_start_above_2147483647_is_refused(string side) =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("user");
            var mapping = side == "hostID"
                ? new IdMapping { ContainerId = 0, HostId = 2147483648, Size = 1 }
                : new IdMapping { ContainerId = 2147483648, HostId = 1000, Size = 1 };
            s.Linux.GidMappings = [mapping];
        }).ShouldReport($"linux.gidMappings[0].{side}", RangeText);

    [Fact]
    public void A_mapping_range_reaching_4294967295_is_refused() =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("user");
            s.Linux.UidMappings = [new IdMapping { ContainerId = 2147483647, HostId = 0, Size = 2147483649 }];
        }).ShouldReport("linux.uidMappings[0].size", "past 4294967294");

    [Fact]
    public void The_identity_map_of_the_initial_namespace_is_accepted() =>
        Specs.ProblemsAfter(s =>
        {
            s.Linux!.Namespaces = Specs.Namespaces("user");
            s.Linux.UidMappings = [new IdMapping { ContainerId = 0, HostId = 0, Size = 4294967295 }];
            s.Linux.GidMappings = [new IdMapping { ContainerId = 0, HostId = 0, Size = 4294967295 }];
        }).Should().BeEmpty();

    [Fact]
    public void An_idmapped_mount_mapping_above_2147483647_is_refused() =>
        Specs.ProblemsAfter(s => s.Mounts =
        [
            new MountSpec
            {
                Destination = "/a", Source = "/b", Type = "bind", Options = ["bind"],
                UidMappings = [new IdMapping { ContainerId = 0, HostId = 3000000000, Size = 1 }],
                GidMappings = [new IdMapping { ContainerId = 0, HostId = 1000, Size = 1 }],
            },
        ]).ShouldReport("mounts[0].uidMappings[0].hostID", RangeText);

    [Theory]
    [InlineData("uid")]
    [InlineData("gid")]
    public void A_device_owner_above_2147483647_is_refused(string which) =>
        Specs.ProblemsAfter(s => s.Linux!.Devices =
        [
            which == "uid"
                ? new DeviceSpec { Type = "c", Path = "/dev/x", Major = 1, Minor = 3, Uid = uint.MaxValue }
                : new DeviceSpec { Type = "c", Path = "/dev/x", Major = 1, Minor = 3, Gid = uint.MaxValue },
        ]).ShouldReport($"linux.devices[0].{which}", RangeText);

    [Fact]
    public void An_exec_process_is_checked_by_the_same_rules()
    {
        var process = new ProcessSpec { Args = ["id"], Cwd = "/", User = new UserSpec { Uid = uint.MaxValue, Gid = 0 } };
        SpecValidator.ValidateProcess(process).ShouldReport("process.user.uid", RangeText);
    }
}

/// <summary>Values outside the schema's enums and ranges (issue 17): refused by field.</summary>
public class SchemaRangeRuleTests
{
    [Fact]
    public void A_device_file_mode_above_0777_is_refused() =>
        Specs.ProblemsAfter(s => s.Linux!.Devices = [new DeviceSpec { Type = "c", Path = "/dev/x", Major = 1, Minor = 3, FileMode = 99999 }])
            .ShouldReport("linux.devices[0].fileMode", "at most 511");

    [Theory]
    [InlineData("c", 8576u)]  // S_IFCHR|0600, as podman --privileged writes it
    [InlineData("u", 8630u)]  // S_IFCHR|0666
    [InlineData("b", 25008u)] // S_IFBLK|0660
    [InlineData("p", 4516u)]  // S_IFIFO|0644
    public void A_file_mode_carrying_the_devices_own_type_bits_is_accepted(string type, uint mode) =>
        Specs.ProblemsAfter(s => s.Linux!.Devices = [new DeviceSpec { Type = type, Path = "/dev/x", Major = 1, Minor = 3, FileMode = mode }])
            .Should().BeEmpty();

    [Fact]
    public void A_file_mode_with_another_types_bits_is_refused() =>
        Specs.ProblemsAfter(s => s.Linux!.Devices = [new DeviceSpec { Type = "c", Path = "/dev/x", Major = 1, Minor = 3, FileMode = 25008 /* S_IFBLK|0660 */ }])
            .ShouldReport("linux.devices[0].fileMode", "at most 511");

    [Fact]
    public void An_empty_rootfs_propagation_is_refused() =>
        Specs.ProblemsAfter(s => s.Linux!.RootfsPropagation = "").ShouldReport("linux.rootfsPropagation", "unknown propagation");
}
