using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>The spec's MUSTs of issue 18: a config without process, an unbindable root, delete --force of nothing.</summary>
public sealed class SpecMustTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void A_config_without_process_creates_refuses_start_naming_process_and_deletes()
    {
        string id = NewId();
        var bundle = NewBundle(b => b.Config.Remove("process"), "true");

        Jaula.Create(id, bundle).ShouldSucceed();
        Jaula.State(id).Status.Should().Be("created");
        var start = Jaula.Start(id);
        start.ExitCode.Should().NotBe(0);
        start.Stderr.Should().Contain(id).And.Contain("process");
        Jaula.State(id).Status.Should().Be("created", "a refused start changes nothing");
        Jaula.Delete(id).ShouldSucceed();
        Jaula.StateRaw(id).ExitCode.Should().NotBe(0);
    }

    [Fact]
    public void An_unbindable_root_propagation_makes_the_root_unbindable()
    {
        var result = RunScript("awk '$5 == \"/\"' /proc/self/mountinfo", b => b.Linux["rootfsPropagation"] = "unbindable");

        result.ShouldSucceed();
        result.Stdout.Should().Contain("unbindable");
    }

    [Fact]
    public void Delete_force_of_a_missing_id_exits_0_silently()
    {
        var result = Jaula.Delete("it-no-such-" + Guid.NewGuid().ToString("N")[..8], force: true);

        result.ExitCode.Should().Be(0, "{0}", result);
        result.Stderr.Should().BeEmpty();
        result.Stdout.Should().BeEmpty();
    }
}
