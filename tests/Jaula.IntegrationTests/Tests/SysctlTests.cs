using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>linux.sysctl is written inside the container's namespaces, never on the host.</summary>
public sealed class SysctlTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private const string IpForward = "/proc/sys/net/ipv4/ip_forward";

    [Fact]
    public void A_network_sysctl_is_set_inside_and_the_host_keeps_its_value()
    {
        string hostBefore = File.ReadAllText(IpForward);

        CommandResult result = RunScript($"cat {IpForward}", b => b.Linux["sysctl"] = new JsonObject { ["net.ipv4.ip_forward"] = "1" });

        result.ShouldSucceed().Stdout.Trim().Should().Be("1");
        File.ReadAllText(IpForward).Should().Be(hostBefore);
    }

    [Fact]
    public void An_unknown_sysctl_fails_naming_it()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Linux["sysctl"] = new JsonObject { ["net.ipv4.jaula_it_nosuch"] = "1" }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.sysctl", "net.ipv4.jaula_it_nosuch")
            .ShouldMentionAnyOf("no such file", "not found", "unknown");

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }
}
