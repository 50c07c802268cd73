using FluentAssertions;
using Jaula.Cli;
using Jaula.Cli.Commands;
using Jaula.Runtime;
using Xunit;

namespace Jaula.UnitTests.Cli;

public class CgroupCommandTests
{
    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("16m", 16L << 20)]
    [InlineData("16M", 16L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("2kb", 2048L)]
    [InlineData("1.5k", 1536L)]
    [InlineData("-1", -1L)]
    public void Memory_flags_take_docker_sizes(string text, long bytes) => UpdateCommand.Bytes("--memory", text).Should().Be(bytes);

    [Fact]
    public void A_bad_size_names_the_flag() =>
        ((Action)(() => UpdateCommand.Bytes("--memory", "lots"))).Should().Throw<JaulaException>().WithMessage("--memory: \"lots\"*");

    [Fact]
    public void Only_given_flags_are_set()
    {
        var values = new Dictionary<string, string> { ["--memory"] = "32m", ["--cpu-quota"] = "20000", ["--pids-limit"] = "-1", ["--cpuset-cpus"] = "0" };
        var r = UpdateCommand.FromFlags(values.GetValueOrDefault);
        r.Memory!.Limit.Should().Be(32 << 20);
        r.Memory.Swap.Should().BeNull();
        r.Cpu!.Quota.Should().Be(20000);
        r.Cpu.Period.Should().BeNull();
        r.Cpu.Cpus.Should().Be("0");
        r.Pids!.Limit.Should().Be(-1);
        r.BlockIo.Should().BeNull();
    }

    [Theory]
    [InlineData("5s", 5000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90000)]
    public void Intervals_are_go_durations(string text, int ms) => EventsCommand.ParseDuration(text).TotalMilliseconds.Should().Be(ms);

    [Theory]
    [InlineData("5")]
    [InlineData("0s")]
    [InlineData("3d")]
    public void Bad_intervals_are_refused(string text) =>
        ((Action)(() => EventsCommand.ParseDuration(text))).Should().Throw<JaulaException>().WithMessage("--interval:*");

    [Theory]
    [InlineData("update", "--resources=/tmp/r.json", "c1")]
    [InlineData("update", "-r", "-", "c1")]
    [InlineData("events", "--stats", "c1")]
    [InlineData("ps", "-f", "json", "c1")]
    [InlineData("ps", "c1", "-o", "pid,comm")]
    [InlineData("pause", "c1")]
    [InlineData("resume", "c1")]
    public void The_cgroup_verbs_parse_runc_forms(params string[] args) =>
        JaulaCommandLine.Build().Parse(args).Errors.Should().BeEmpty();
}
