namespace Jaula.Oci.Tests.Validation;

public class ResourceRuleTests
{
    [Theory]
    [InlineData(-1L)]
    [InlineData(0L)]
    [InlineData(1L << 40)]
    public void Memory_limits_are_bytes_or_minus_one(long bytes) =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources { Memory = new MemoryResources { Limit = bytes, Swap = bytes } })
            .Should().BeEmpty();

    [Fact]
    public void Memory_limits_below_minus_one_are_refused() =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources { Memory = new MemoryResources { Reservation = -2 } })
            .ShouldReport("linux.resources.memory.reservation", "or -1 for unlimited");

    [Fact]
    public void Swappiness_is_a_percentage() =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources { Memory = new MemoryResources { Swappiness = 101 } })
            .ShouldReport("linux.resources.memory.swappiness", "between 0 and 100");

    [Theory]
    [InlineData(-1L)]
    [InlineData(0L)]
    [InlineData(100L)]
    public void Pids_limit_is_a_count_or_minus_one(long limit) =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources { Pids = new PidsResources { Limit = limit } })
            .Should().BeEmpty();

    [Fact]
    public void Pids_limit_below_minus_one_is_refused() =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources { Pids = new PidsResources { Limit = -5 } })
            .ShouldReport("linux.resources.pids.limit", "or -1 for no limit");

    [Fact]
    public void Cpu_burst_must_not_exceed_a_positive_quota() =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources { Cpu = new CpuResources { Quota = 100, Burst = 101 } })
            .ShouldReport("linux.resources.cpu.burst", "must not be larger than quota (100)");

    [Fact]
    public void Cpu_burst_is_free_without_a_positive_quota() =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources { Cpu = new CpuResources { Quota = -1, Burst = 101 } })
            .Should().BeEmpty();

    [Theory]
    [InlineData("64KB")]
    [InlineData("2MB")]
    [InlineData("1GB")]
    [InlineData("16GB")]
    public void Hugepage_sizes_like_2MB_are_accepted(string size) =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources { HugepageLimits = [new HugepageLimit { PageSize = size, Limit = 1 }] })
            .Should().BeEmpty();

    [Theory]
    [InlineData("64kB")]
    [InlineData("2M")]
    [InlineData("02MB")]
    [InlineData("MB")]
    [InlineData("2 MB")]
    public void Other_hugepage_sizes_are_refused(string size) =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources { HugepageLimits = [new HugepageLimit { PageSize = size, Limit = 1 }] })
            .ShouldReport("linux.resources.hugepageLimits[0].pageSize", $"found \"{size}\"");

    [Fact]
    public void Rdma_entries_need_a_limit() =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources { Rdma = new() { ["mlx5_1"] = new RdmaLimit() } })
            .ShouldReport("linux.resources.rdma.mlx5_1", "needs hcaHandles, hcaObjects or both");

    [Fact]
    public void Block_io_weight_device_entries_need_a_weight() =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources
        {
            BlockIo = new BlockIoResources { WeightDevice = [new BlockIoWeightDevice { Major = 8, Minor = 0 }] },
        }).ShouldReport("linux.resources.blockIO.weightDevice[0]", "needs weight, leafWeight or both");

    [Theory]
    [InlineData("x", null)]
    [InlineData(null, "rwx")]
    [InlineData(null, "rr")]
    public void Device_cgroup_rules_use_known_types_and_access_letters(string? type, string? access)
    {
        var problems = Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources
        {
            Devices = [new DeviceCgroupRule { Allow = true, Type = type, Access = access }],
        });

        problems.ShouldReport(type is null ? "linux.resources.devices[0].access" : "linux.resources.devices[0].type", "found");
    }

    [Theory]
    [InlineData("")]
    [InlineData("../memory.max")]
    [InlineData("..")]
    public void Unified_keys_are_file_names(string key) =>
        Specs.ProblemsAfter(s => s.Linux!.Resources = new LinuxResources { Unified = new() { [key] = "1" } })
            .ShouldReport(FieldPath.Property("linux.resources.unified", key), "is not a cgroup file name");
}
