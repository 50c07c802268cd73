using FluentAssertions;
using Jaula.Sandbox;
using Jaula.Sandbox.Process;
using Xunit;

namespace Jaula.UnitTests.Sandbox;

/// <summary>The kernel's "0-3,7" list syntax for NUMA nodes and CPUs, as bit masks.</summary>
public sealed class IdListTests
{
    [Theory]
    [InlineData("0", new ulong[] { 0x1 })]
    [InlineData("0-3,7", new ulong[] { 0x8F })]
    [InlineData("1, 3", new ulong[] { 0xA })]
    [InlineData("64", new ulong[] { 0, 0x1 })]
    [InlineData("62-65", new ulong[] { 0xC000000000000000, 0x3 })]
    public void Lists_become_masks(string list, ulong[] mask)
    {
        IdList.ToMask(list, "linux.memoryPolicy.nodes").Should().Equal(mask);
    }

    [Theory]
    [InlineData("3-1")]
    [InlineData("a")]
    [InlineData("-1")]
    [InlineData("4096")]
    public void Bad_lists_name_the_field(string list)
    {
        var act = () => IdList.ToMask(list, "linux.memoryPolicy.nodes");

        act.Should().Throw<ContainerSetupException>().Which.Field.Should().Be("linux.memoryPolicy.nodes");
    }
}
