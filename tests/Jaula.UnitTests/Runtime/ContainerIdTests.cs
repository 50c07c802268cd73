using FluentAssertions;
using Jaula.Runtime;
using Xunit;

namespace Jaula.UnitTests.Runtime;

public class ContainerIdTests
{
    [Theory]
    [InlineData("c1")]
    [InlineData("my_container-1.2+x")]
    [InlineData("a")]
    [InlineData("...")]
    public void Safe_ids_are_accepted(string id) => ContainerId.IsValid(id).Should().BeTrue();

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("/abs")]
    [InlineData("with space")]
    [InlineData("new\nline")]
    [InlineData("nul\0byte")]
    [InlineData("ünïcode")]
    public void Hostile_ids_are_refused(string id)
    {
        ContainerId.IsValid(id).Should().BeFalse();
        var act = () => ContainerId.Validate(id);
        act.Should().Throw<JaulaException>().WithMessage("invalid container id*");
    }

    [Fact]
    public void Over_long_ids_are_refused_and_the_message_stays_short()
    {
        string id = new('a', ContainerId.MaxLength + 1);
        var act = () => ContainerId.Validate(id);
        act.Should().Throw<JaulaException>().Which.Message.Length.Should().BeLessThan(300);
        ContainerId.IsValid(new string('a', ContainerId.MaxLength)).Should().BeTrue();
    }

    [Fact]
    public void The_state_store_never_builds_a_path_from_a_hostile_id()
    {
        var store = new StateStore("/tmp/jaula-unit-never-created");
        var act = () => store.DirectoryOf("../etc");
        act.Should().Throw<JaulaException>();
    }
}
