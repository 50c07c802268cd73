using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>kill takes a signal by name (with or without SIG) or number; without one it sends TERM.</summary>
public sealed class KillSignalTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    // The init is pid 1 of its namespace, which ignores signals it has no handler for: trap TERM so it can be seen.
    private const string WaitForTerm = "trap 'exit 0' TERM; echo y > /tmp/trapped; sleep 60 & wait";

    [Theory]
    [InlineData("KILL")]
    [InlineData("SIGKILL")]
    [InlineData("9")]
    [InlineData("TERM")]
    [InlineData("SIGTERM")]
    [InlineData("15")]
    [InlineData(null)]
    public void Kill_stops_the_container(string? signal)
    {
        string id = NewId();
        Bundle bundle = NewBundle("sh", "-c", WaitForTerm);
        Jaula.RunDetached(id, bundle).ShouldSucceed();
        WaitForFile(bundle.HostPath("/tmp/trapped"));
        Jaula.State(id).Status.Should().Be("running");

        Jaula.Kill(id, signal).ShouldSucceed();

        Jaula.WaitForStatus(id, "stopped");
    }

    [Theory]
    [InlineData("--all")]
    [InlineData("-a")]
    public void Kill_all_stops_the_container(string flag)
    {
        string id = NewId();
        Jaula.RunDetached(id, NewBundle("sleep", "60")).ShouldSucceed();

        Jaula.Invoke("kill", flag, id, "KILL").ShouldSucceed();

        Jaula.WaitForStatus(id, "stopped");
    }

    [Fact]
    public void Kill_rejects_an_unknown_signal()
    {
        string id = NewId();
        Jaula.RunDetached(id, NewBundle("sleep", "60")).ShouldSucceed();

        Jaula.Kill(id, "NOSUCHSIG").ShouldFailWith("NOSUCHSIG");

        Jaula.State(id).Status.Should().Be("running");
    }
}
