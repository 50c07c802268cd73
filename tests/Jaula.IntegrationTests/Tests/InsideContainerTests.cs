using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>What the process sees inside: namespaces, mounts, masks, credentials, limits, environment.</summary>
public sealed class InsideContainerTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void The_process_is_pid_1_of_its_own_namespace()
    {
        RunScript("echo $$").ShouldSucceed().Stdout.Trim().Should().Be("1");
    }

    [Fact]
    public void The_hostname_is_the_configured_one()
    {
        RunScript("hostname").ShouldSucceed().Stdout.Trim().Should().Be(DefaultConfig.Hostname);
    }

    [Fact]
    public void The_network_namespace_has_only_loopback()
    {
        RunScript("ls /sys/class/net").ShouldSucceed().Stdout.Trim().Should().Be("lo");
    }

    [Fact]
    public void The_configured_mounts_are_in_place()
    {
        CommandResult result = RunScript("cat /proc/self/mountinfo").ShouldSucceed();

        // mountinfo field 5 is the mount point.
        var mountPoints = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[4]);
        mountPoints.Should().Contain(["/", "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys"]);
    }

    [Fact]
    public void Masked_paths_show_nothing()
    {
        // /proc/kcore and /proc/scsi do not exist on this kernel; /proc/keys (a file) and /sys/firmware (a dir) do.
        CommandResult result = RunScript("wc -c < /proc/keys; ls -A /sys/firmware | wc -l").ShouldSucceed();

        Lines(result).Should().Equal("0", "0");
    }

    [Fact]
    public void Readonly_paths_refuse_writes()
    {
        CommandResult result = RunScript("echo 1 > /proc/sys/vm/overcommit_memory && echo WROTE || echo REFUSED");

        result.Stdout.Trim().Should().Be("REFUSED");
        result.Stderr.Should().ContainEquivalentOf("read-only");
    }

    [Fact]
    public void A_readonly_root_refuses_writes()
    {
        CommandResult result = RunScript("touch /x && echo WROTE || echo REFUSED", b => b.Config["root"]!["readonly"] = true);

        result.Stdout.Trim().Should().Be("REFUSED");
        result.Stderr.Should().ContainEquivalentOf("read-only");
    }

    [Fact]
    public void Capabilities_are_the_configured_ones()
    {
        CommandResult result = RunScript("grep -E '^Cap(Eff|Bnd|Prm):' /proc/self/status").ShouldSucceed();

        string expected = CapabilityMask.Hex(DefaultConfig.Capabilities);
        CapabilityLines(result).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["CapEff"] = expected, ["CapBnd"] = expected, ["CapPrm"] = expected,
        });
    }

    [Fact]
    public void A_non_root_user_keeps_its_capabilities_through_the_ambient_set()
    {
        string[] caps = ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"];
        CommandResult result = RunScript("grep -E '^Cap(Eff|Bnd|Amb):' /proc/self/status", b =>
        {
            b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
            // The kernel raises an ambient capability only if it is also inheritable.
            foreach (string set in new[] { "bounding", "effective", "permitted", "inheritable", "ambient" })
            {
                b.Process["capabilities"]![set] = new JsonArray(caps.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
            }
        }).ShouldSucceed();

        string expected = CapabilityMask.Hex(caps);
        CapabilityLines(result).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["CapEff"] = expected, ["CapBnd"] = expected, ["CapAmb"] = expected,
        });
    }

    [Fact]
    public void User_group_and_additional_groups_are_applied()
    {
        CommandResult result = RunScript("id -u; id -g; id -G", b =>
            b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000, ["additionalGids"] = new JsonArray(2000) });

        string[] lines = Lines(result.ShouldSucceed());
        lines[0].Should().Be("1000");
        lines[1].Should().Be("1000");
        lines[2].Split(' ').Should().Contain("2000").And.NotContain("0");
    }

    [Fact]
    public void Rlimits_are_applied()
    {
        CommandResult result = RunScript("ulimit -n; ulimit -Hn", b =>
            b.Process["rlimits"] = JsonNode.Parse("""[ { "type": "RLIMIT_NOFILE", "hard": 512, "soft": 512 } ]"""));

        Lines(result.ShouldSucceed()).Should().Equal("512", "512");
    }

    [Fact]
    public void The_environment_is_the_configured_one()
    {
        CommandResult result = RunScript("env", b => b.Process["env"]!.AsArray().Add((JsonNode)"FOO=bar"));

        Lines(result.ShouldSucceed()).Should().Contain("FOO=bar").And.Contain(l => l.StartsWith("PATH=/usr/local/sbin"));
    }

    [Fact]
    public void The_working_directory_is_the_configured_one()
    {
        RunScript("pwd", b => b.Process["cwd"] = "/tmp").ShouldSucceed().Stdout.Trim().Should().Be("/tmp");
    }

    [Fact]
    public void The_umask_is_the_configured_one()
    {
        CommandResult result = RunScript("umask", b => b.Process["user"]!["umask"] = Convert.ToInt32("027", 8));

        result.ShouldSucceed().Stdout.Trim().Should().Be("0027");
    }

    [Theory]
    [InlineData(true, "1")]
    [InlineData(false, "0")]
    public void No_new_privileges_is_applied(bool configured, string expected)
    {
        CommandResult result = RunScript("grep NoNewPrivs /proc/self/status", b => b.Process["noNewPrivileges"] = configured);

        result.ShouldSucceed().Stdout.Should().MatchRegex($@"^NoNewPrivs:\s+{expected}\s*$");
    }

    private static string[] Lines(CommandResult result) =>
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();

    private static Dictionary<string, string> CapabilityLines(CommandResult result) =>
        Lines(result).Select(l => Regex.Match(l, @"^(\w+):\s+([0-9a-f]+)$"))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
}
