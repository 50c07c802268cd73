using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>`run` in the foreground (exit status passed through, container deleted after) and detached.</summary>
public sealed class RunTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Theory]
    [InlineData(0, "true")]
    [InlineData(3, "sh", "-c", "exit 3")]
    public void Foreground_run_exits_with_the_process_status(int expected, params string[] args)
    {
        Jaula.Run(NewId(), NewBundle(args)).ExitCode.Should().Be(expected);
    }

    [Fact]
    public void A_signal_sent_to_a_foreground_run_reaches_the_container_process()
    {
        string id = NewId();
        // The shell ignores nothing: SIGTERM ends it with 143 unless it traps it, which shows the signal arrived.
        RunningCommand run = Jaula.LaunchRun(id, NewBundle("sh", "-c", "trap 'echo got TERM; exit 42' TERM; while :; do sleep 0.1; done"));
        Jaula.WaitForStatus(id, "running");
        Thread.Sleep(200); // let the shell install its trap

        Shell.Run("/bin/kill", "-TERM", run.Pid.ToString());

        CommandResult result = run.Wait();
        result.ExitCode.Should().Be(42, "{0}", result);
        result.Stdout.Should().Be("got TERM\n");
    }

    [Fact]
    public void Foreground_run_exits_128_plus_the_signal_that_killed_the_process()
    {
        string id = NewId();
        RunningCommand run = Jaula.LaunchRun(id, NewBundle("sleep", "60"));
        Jaula.WaitForStatus(id, "running");

        Jaula.Kill(id, "KILL").ShouldSucceed();

        run.Wait().ExitCode.Should().Be(137);
    }

    [Fact]
    public void Foreground_run_passes_stdout_and_stderr_through_and_deletes_the_container()
    {
        string id = NewId();

        CommandResult result = Jaula.Run(id, NewBundle("sh", "-c", "echo out; echo err >&2"));

        result.ShouldSucceed().Stdout.Should().Be("out\n");
        result.Stderr.Should().Contain("err");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void Detached_run_leaves_a_running_container_to_kill_and_delete()
    {
        string id = NewId();

        Jaula.RunDetached(id, NewBundle("sleep", "60")).ShouldSucceed();

        Jaula.State(id).Status.Should().Be("running");
        Jaula.Kill(id, "KILL").ShouldSucceed();
        Jaula.WaitForStatus(id, "stopped");
        Jaula.Delete(id).ShouldSucceed();
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }
}
