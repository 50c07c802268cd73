using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>A state dir without state.json, as a create killed before it finished leaves it.</summary>
public sealed class StateDebrisTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void State_of_debris_reports_it_without_crashing()
    {
        string id = LeaveDebris();

        CommandResult result = Jaula.StateRaw(id);

        if (result.Succeeded)
        {
            Jaula.State(id).Status.Should().Be("creating");
        }
        else
        {
            result.ShouldFailWith(id);
            result.Stderr.Trim().Split('\n').Should().ContainSingle("an error is one line: {0}", result);
        }
        Jaula.Invoke("list").ShouldSucceed();
    }

    [Fact]
    public void Delete_removes_debris()
    {
        string id = LeaveDebris();

        Jaula.Delete(id).ShouldSucceed();

        Directory.Exists(Path.Combine(Jaula.Root, id)).Should().BeFalse();
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    private string LeaveDebris()
    {
        string id = NewId();
        Directory.CreateDirectory(Path.Combine(Jaula.Root, id), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return id;
    }
}
