using Jaula.Sandbox.Capabilities;

namespace Jaula.Linux.Tests.Sandbox;

public class CapabilityNamesTests
{
    [Theory]
    [InlineData("CAP_CHOWN", 0)]
    [InlineData("CAP_KILL", 5)]
    [InlineData("cap_net_bind_service", 10)]
    [InlineData("CAP_SYS_ADMIN", 21)]
    [InlineData("CAP_SYS_RESOURCE", 24)]
    [InlineData("CAP_AUDIT_READ", 37)]
    [InlineData("CAP_CHECKPOINT_RESTORE", 40)]
    public void TryParse_maps_names_to_numbers(string name, int cap)
    {
        CapabilityNames.TryParse(name, out int parsed).Should().BeTrue();
        parsed.Should().Be(cap);
    }

    [Theory]
    [InlineData("KILL")]
    [InlineData("CAP_FOO")]
    [InlineData("")]
    [InlineData("CAP_KILL ")]
    public void TryParse_rejects_unknown_names(string name)
    {
        CapabilityNames.TryParse(name, out _).Should().BeFalse();
    }

    [Fact]
    public void Names_and_numbers_round_trip()
    {
        CapabilityNames.All.Should().HaveCount(41);
        for (int cap = 0; cap < CapabilityNames.All.Count; cap++)
        {
            CapabilityNames.TryParse(CapabilityNames.Name(cap), out int parsed).Should().BeTrue();
            parsed.Should().Be(cap);
        }
        CapabilityNames.Name(41).Should().Be("capability 41");
    }

    [Fact]
    public void The_table_covers_every_capability_this_kernel_knows()
    {
        Sys.LastCap().Should().BeLessThanOrEqualTo(CapabilityNames.Last);
    }
}
