using FluentAssertions;
using Jaula.Sandbox.Seccomp;
using Xunit;

namespace Jaula.UnitTests.Sandbox;

/// <summary>`jaula features` must not claim a seccomp name the filter plan would refuse, nor miss one it takes.</summary>
public class SeccompSupportTests
{
    [Fact]
    public void Every_reported_action_and_operator_parses()
    {
        SeccompSupport.Actions.Should().OnlyContain(a => SeccompActions.Parse(a, null) != null);
        SeccompSupport.Operators.Should().OnlyContain(o => SeccompOperators.Parse(o) != null);
    }

    [Theory]
    [InlineData("SCMP_ACT_BOGUS")]
    [InlineData("SCMP_ACT_allow")]
    public void Names_outside_the_lists_do_not_parse(string action) => SeccompActions.Parse(action, null).Should().BeNull();
}
