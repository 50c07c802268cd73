using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>Two containers under one root stay apart.</summary>
public sealed class SideBySideTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private const string ReportHostname = "hostname > /tmp/h.new && mv /tmp/h.new /tmp/hostname; exec sleep 60";

    [Fact]
    public void Two_containers_run_side_by_side_and_are_both_deleted()
    {
        (string id, Bundle bundle)[] containers =
        [
            (NewId(), NewBundle(b => b.Config["hostname"] = "one", "sh", "-c", ReportHostname)),
            (NewId(), NewBundle(b => b.Config["hostname"] = "two", "sh", "-c", ReportHostname)),
        ];
        foreach (var (id, bundle) in containers)
        {
            Jaula.RunDetached(id, bundle).ShouldSucceed();
        }

        ContainerState[] states = containers.Select(c => Jaula.State(c.id)).ToArray();
        states.Should().OnlyContain(s => s.Status == "running");
        states[0].Pid.Should().NotBe(states[1].Pid);
        containers.Select(c => WaitForFile(c.bundle.HostPath("/tmp/hostname")).Trim()).Should().Equal("one", "two");

        foreach (var (id, _) in containers)
        {
            Jaula.Delete(id, force: true).ShouldSucceed();
            Jaula.StateRaw(id).ShouldFailWith("container does not exist");
        }
    }
}
