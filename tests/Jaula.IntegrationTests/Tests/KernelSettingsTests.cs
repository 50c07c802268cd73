using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>Settings the init applies one by one: linux.devices, domainname, process.oomScoreAdj.</summary>
public sealed class KernelSettingsTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void A_configured_device_node_has_its_type_numbers_mode_and_owner()
    {
        var device = new JsonObject
        {
            ["path"] = "/dev/mydev", ["type"] = "c", ["major"] = 1, ["minor"] = 3,
            ["fileMode"] = Convert.ToInt32("600", 8), ["uid"] = 1000, ["gid"] = 0,
        };

        // %t/%T print the major/minor in hex; 1 and 3 read the same.
        CommandResult result = RunScript("stat -c '%F %t %T %a %u %g' /dev/mydev", b => b.Linux["devices"] = new JsonArray(device));

        result.ShouldSucceed().Stdout.Trim().Should().Be("character special file 1 3 600 1000 0");
    }

    [Fact]
    public void The_domainname_is_set()
    {
        CommandResult result = RunScript("cat /proc/sys/kernel/domainname", b => b.Config["domainname"] = "jaula-it.example");

        result.ShouldSucceed().Stdout.Trim().Should().Be("jaula-it.example");
    }

    [Fact]
    public void The_oom_score_adjustment_is_set()
    {
        CommandResult result = RunScript("cat /proc/self/oom_score_adj", b => b.Process["oomScoreAdj"] = 100);

        result.ShouldSucceed().Stdout.Trim().Should().Be("100");
    }
}
