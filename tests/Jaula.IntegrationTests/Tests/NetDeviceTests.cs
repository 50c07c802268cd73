using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// linux.netDevices: a host interface (one end of a veth pair the test makes; this kernel has no dummy driver) is
/// moved into the container's network namespace under its new name, up, with its permanent global addresses.
/// </summary>
public sealed class NetDeviceTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void A_host_interface_is_moved_renamed_up_and_keeps_its_addresses()
    {
        using var pair = new VethPair();
        Shell.Run("/bin/ip", "addr", "add", "10.251.7.5/24", "dev", pair.Name);

        CommandResult result = RunScript("ip -o link show eth7; ip -o -4 addr show eth7", b =>
            b.Linux["netDevices"] = new JsonObject { [pair.Name] = new JsonObject { ["name"] = "eth7" } });

        string output = result.ShouldSucceed().Stdout;
        output.Should().Contain(": eth7").And.MatchRegex("<[^>]*\\bUP\\b[^>]*>").And.Contain("inet 10.251.7.5/24");
        HostHas(pair.Name).Should().BeFalse("the interface left the host's namespace");
    }

    [Fact]
    public void Without_a_name_the_host_name_is_kept()
    {
        using var pair = new VethPair();

        CommandResult result = RunScript($"ip -o link show {pair.Name}", b =>
            b.Linux["netDevices"] = new JsonObject { [pair.Name] = new JsonObject() });

        result.ShouldSucceed().Stdout.Should().Contain($": {pair.Name}");
    }

    [Fact]
    public void A_name_template_lets_the_kernel_number_the_interface()
    {
        using var pair = new VethPair();

        CommandResult result = RunScript("ip -o link show net0", b =>
            b.Linux["netDevices"] = new JsonObject { [pair.Name] = new JsonObject { ["name"] = "net%d" } });

        result.ShouldSucceed().Stdout.Should().Contain(": net0");
    }

    [Fact]
    public void A_name_the_container_already_has_is_refused_and_the_interface_stays_on_the_host()
    {
        using var pair = new VethPair();
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Linux["netDevices"] = new JsonObject { [pair.Name] = new JsonObject { ["name"] = "lo" } }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, $"linux.netDevices[\"{pair.Name}\"]", "already has an interface named lo");

        HostHas(pair.Name).Should().BeTrue();
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void A_missing_host_interface_is_refused_naming_the_field()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Linux["netDevices"] = new JsonObject { ["jitnosuch0"] = new JsonObject() }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.netDevices[\"jitnosuch0\"]", "no network interface named jitnosuch0");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    private static bool HostHas(string name) => Directory.Exists($"/sys/class/net/{name}");

    /// <summary>A veth pair with unique names; whatever end is still on the host is deleted afterwards.</summary>
    private sealed class VethPair : IDisposable
    {
        public VethPair()
        {
            string suffix = Guid.NewGuid().ToString("N")[..8];
            Name = "jit" + suffix;
            Peer = "jip" + suffix;
            Shell.Run("/bin/ip", "link", "add", Name, "type", "veth", "peer", "name", Peer);
        }

        public string Name { get; }

        public string Peer { get; }

        public void Dispose()
        {
            // Deleting either end removes both; once the container's namespace is gone, so is the pair.
            foreach (string end in new[] { Name, Peer }.Where(HostHas))
            {
                using var command = RunningCommand.Start("/bin/ip", ["link", "del", end]);
                command.Wait();
            }
        }
    }
}
