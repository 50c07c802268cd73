using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>Every verb on an id that was never created fails with the text engines match on.</summary>
public sealed class UnknownContainerTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Theory]
    [InlineData("state")]
    [InlineData("start")]
    [InlineData("kill")]
    [InlineData("delete")]
    public void Verb_on_an_unknown_id_says_container_does_not_exist(string verb)
    {
        string id = NewId();

        Jaula.Invoke(verb, id).ShouldFailWith("container does not exist", id);
    }
}
