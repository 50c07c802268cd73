using Jaula.Cgroups.Systemd;
using Jaula.Oci;

namespace Jaula.Cgroups.Tests.Systemd;

public sealed class UnitPropertiesTests
{
    private static Dictionary<string, object> Values(IEnumerable<UnitProperty> properties) =>
        properties.ToDictionary(p => p.Name, p => PlainValue.Of(p.Value));

    [Theory]
    [InlineData(50_000, 100_000UL, 500_000UL)]
    [InlineData(33_333, 100_000UL, 340_000UL)] // 333 330 rounded up to systemd's 10 ms steps
    [InlineData(20_000, 0UL, 200_000UL)]       // systemd's default period, 100 ms
    [InlineData(-1, 100_000UL, ulong.MaxValue)]
    public void Cpu_quota_per_second_is_rounded_up_to_10ms(long quota, ulong period, ulong expected)
    {
        UnitProperties.QuotaPerSecond(quota, period).Should().Be(expected);
    }

    [Fact]
    public void Cpu_lists_become_bitmask_bytes()
    {
        UnitProperties.CpuSetBits("0-2,9", "f").Should().Equal(0x07, 0x02);
        UnitProperties.CpuSetBits("0", "f").Should().Equal(0x01);
        FluentActions.Invoking(() => UnitProperties.CpuSetBits("2-1", "linux.resources.cpu.cpus")).Should().Throw<CgroupException>()
            .WithMessage("linux.resources.cpu.cpus: *");
    }

    [Fact]
    public void Resources_map_as_runc_maps_them()
    {
        var resources = new LinuxResources
        {
            Memory = new MemoryResources { Limit = 33554432 },
            Pids = new PidsResources { Limit = -1 },
            Cpu = new CpuResources { Shares = 1024, Quota = 50000, Period = 100000, Cpus = "1", Mems = "0" },
            BlockIo = new BlockIoResources { Weight = 500 },
        };
        var values = Values(UnitProperties.ForResources(resources));
        values["MemoryMax"].Should().Be(33554432ul);
        values["TasksMax"].Should().Be(ulong.MaxValue);
        values["CPUWeight"].Should().Be(39ul);
        values["CPUQuotaPeriodUSec"].Should().Be(100000ul);
        values["CPUQuotaPerSecUSec"].Should().Be(500000ul);
        ((List<object>)values["AllowedCPUs"]).Should().Equal((byte)0x02);
        ((List<object>)values["AllowedMemoryNodes"]).Should().Equal((byte)0x01);
        values["IOWeight"].Should().Be(4950ul); // 1 + (500 - 10) * 9999 / 990
    }

    [Fact]
    public void A_scope_starts_delegated_in_its_slice_with_the_init_pid()
    {
        var values = Values(UnitProperties.ForStart(SystemdUnitPath.Parse("system.slice:jaula:c1", "c1"), "c1", 77, new LinuxResources()));
        values["Slice"].Should().Be("system.slice");
        values["Delegate"].Should().Be(true);
        values["Description"].Should().Be("jaula container c1");
        ((List<object>)values["PIDs"]).Should().Equal(77u);
        values.Should().NotContainKey("MemoryMax");
    }

    [Fact]
    public void A_slice_unit_wants_its_slice_and_takes_no_pids_or_delegation()
    {
        var values = Values(UnitProperties.ForStart(SystemdUnitPath.Parse("system.slice:x:jaula-box.slice", "c1"), "c1", null, new LinuxResources()));
        ((List<object>)values["Wants"]).Should().Equal("system.slice");
        values.Should().NotContainKeys("Slice", "Delegate", "PIDs");
    }
}
