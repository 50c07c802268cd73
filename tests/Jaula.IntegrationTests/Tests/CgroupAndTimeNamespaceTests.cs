using System.Globalization;
using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>The namespaces unshared late (after the parent placed the process): cgroup and time.</summary>
public sealed class CgroupAndTimeNamespaceTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private const long ThreeDays = 3 * 86400;

    [Fact]
    public void A_cgroup_namespace_is_rooted_at_the_containers_cgroups()
    {
        CommandResult result = RunScript("cat /proc/self/cgroup", b => b.SetNamespace("cgroup"));

        // Lines are "<hierarchy id>:<controllers>:<path>"; the host's own paths here are not all "/" (memory is not).
        result.ShouldSucceed().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 3)[2]).Should().NotBeEmpty().And.OnlyContain(path => path == "/");
    }

    [Fact]
    public void Time_offsets_move_the_boottime_clock()
    {
        CommandResult result = RunScript("cut -d ' ' -f 1 /proc/uptime", b =>
        {
            b.SetNamespace("time");
            b.Linux["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = ThreeDays, ["nanosecs"] = 0 } };
        });

        double inside = double.Parse(result.ShouldSucceed().Stdout.Trim(), CultureInfo.InvariantCulture);
        // /proc/uptime has 10 ms steps: a run as fast as this one often reads the same step as the host after it, and
        // 259200 + the host's value in binary floating point may fall just below the container's printed sum.
        inside.Should().BeInRange(ThreeDays + HostUptime() - 60, ThreeDays + HostUptime() + 0.01);
    }

    private static double HostUptime() =>
        double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
}
