using Jaula.Sandbox.Capabilities;

namespace Jaula.Linux.Tests.Sandbox;

public class CapabilitySetTests
{
    [Fact]
    public void Parse_builds_one_mask_per_set()
    {
        var set = CapabilitySet.Parse(["CAP_CHOWN", "CAP_KILL"], ["CAP_KILL"], ["CAP_KILL", "CAP_SYS_ADMIN"], null, []);

        set.Should().Be(new CapabilitySet(Bounding: 0b100001, Effective: 1UL << 5, Permitted: (1UL << 5) | (1UL << 21),
            Inheritable: 0, Ambient: 0));
    }

    [Fact]
    public void Parse_names_the_set_and_index_of_an_unknown_capability()
    {
        var act = () => CapabilitySet.Parse(null, null, ["CAP_KILL", "CAP_FOO"], null, null);

        var e = act.Should().Throw<CapabilityException>().Which;
        e.Field.Should().Be("process.capabilities.permitted[1]");
        e.Message.Should().Be("process.capabilities.permitted[1]: unknown capability \"CAP_FOO\"");
    }

    [Theory]
    [InlineData(0, "bounding")]
    [InlineData(1, "effective")]
    [InlineData(3, "inheritable")]
    [InlineData(4, "ambient")]
    public void Parse_blames_the_right_set(int position, string set)
    {
        var lists = new List<string>?[5];
        lists[position] = ["NOPE"];

        var act = () => CapabilitySet.Parse(lists[0], lists[1], lists[2], lists[3], lists[4]);

        act.Should().Throw<CapabilityException>().Which.Field.Should().Be($"process.capabilities.{set}[0]");
    }

    [Fact]
    public void Parse_with_warnings_skips_unknown_names()
    {
        var warnings = new List<string>();

        var set = CapabilitySet.Parse(["CAP_KILL", "CAP_FOO"], null, null, null, null, warnings);

        set.Bounding.Should().Be(1UL << 5);
        warnings.Should().ContainSingle().Which.Should().Be("process.capabilities.bounding[1]: unknown capability \"CAP_FOO\", ignored");
    }

    [Fact]
    public void Describe_lists_names_in_number_order()
    {
        CapabilitySet.Describe((1UL << 21) | 1UL).Should().Be("CAP_CHOWN, CAP_SYS_ADMIN");
    }
}
