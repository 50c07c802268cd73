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
}
