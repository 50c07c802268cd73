using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>`--debug` says where a command's time went (PhaseTimer lines, "timing: &lt;phase&gt; 1.23 ms").</summary>
public sealed class DebugTimingTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Run_logs_create_s_phases_then_its_own()
    {
        string id = NewId();
        using var bundle = NewBundle("true");
        string log = Path.Combine(bundle.Dir, "debug.log");
        Jaula.Track(id);

        Jaula.Invoke("--debug", "--log", log, "run", "--bundle", bundle.Dir, id).ShouldSucceed();

        string[] lines = File.ReadAllLines(log);
        string[] phases = ["process start to command", "create: wait for READY", "create total", "run: create", "run: start",
            "run: the process ran", "run: delete", "run total"];
        var at = phases.Select(p => Array.FindIndex(lines, l => l.Contains("timing: " + p))).ToList();
        at.Should().NotContain(-1, "every phase is logged: {0}", string.Join(" | ", phases.Where((_, i) => at[i] < 0)));
        at.Should().BeInAscendingOrder("the phases are logged as they end");
    }

    [Fact]
    public void The_C_init_reports_each_group_of_its_operations()
    {
        using var host = new HostDirectory();
        string marker = Path.Combine(host.Path, "prestart-ran");
        string id = NewId();
        using var bundle = NewBundle(b => b.Config["hooks"] = new System.Text.Json.Nodes.JsonObject
        {
            ["prestart"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["path"] = "/bin/sh",
                ["args"] = new System.Text.Json.Nodes.JsonArray("sh", "-c", $"sleep 0.2; touch {marker}"),
            }),
        }, "true");
        string log = Path.Combine(bundle.Dir, "debug.log");

        Jaula.Invoke("--debug", "--log", log, "run", "--bundle", bundle.Dir, id).ShouldSucceed();

        string line = File.ReadAllLines(log).Should().ContainSingle(l => l.Contains("timing: create: the C init: ")).Subject;
        foreach (string group in new[] { "decoding the program", "mounts", "devices", "pivot_root", "masked and read-only paths",
                     "process settings", "hooks", "args[0] and HOME", "total" })
            line.Should().MatchRegex($@"{System.Text.RegularExpressions.Regex.Escape(group)} \d+\.\d\d ms");
        // The prestart hook ran while the C init waited at its sync point: its 0.2 s is the hooks group's.
        double hooks = double.Parse(System.Text.RegularExpressions.Regex.Match(line, @"hooks (\d+\.\d\d) ms").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        hooks.Should().BeGreaterThanOrEqualTo(200);
        File.Exists(marker).Should().BeTrue();
    }
}
