using System.Globalization;
using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// The C start (native/fast_start.c): `start` of a container with nothing for .NET to do after the release (no
/// poststart hooks; create leaves a start ticket) never starts the runtime, and every case it does not expect goes
/// to the managed start, whose errors stay as they were.
/// </summary>
public sealed class StartRouteTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private string TicketOf(string id) => Path.Combine(Jaula.Root, id, "start.ticket");

    /// <summary>A startContainer hook that marks when it runs and then holds `start` for a while in its wait.</summary>
    private static JsonObject HoldingHook(string marker) =>
        Hook("/bin/sh", ["sh", "-c", $"echo ran > {marker}; sleep 2"]);

    private static JsonObject Hook(string path, string[] args) => new()
    {
        ["path"] = path,
        ["args"] = new JsonArray([.. args.Select(a => (JsonNode)JsonValue.Create(a)!)]),
    };

    [Fact]
    public void A_start_without_poststart_hooks_never_starts_dotnet()
    {
        (int Threads, long Faults) ObserveStart(bool withPoststart, params string[] flags)
        {
            string id = NewId();
            Bundle bundle = NewBundle(b =>
            {
                var hooks = new JsonObject { ["startContainer"] = new JsonArray(HoldingHook("/hook-ran")) };
                if (withPoststart)
                    hooks["poststart"] = new JsonArray(Hook("/bin/true", ["true"]));
                b.Config["hooks"] = hooks;
            }, "true");
            Jaula.Create(id, bundle).ShouldSucceed();
            File.Exists(TicketOf(id)).Should().Be(!withPoststart, "create leaves a ticket only when start has nothing for .NET to do");

            using var start = Jaula.Launch([.. flags, "start", id]);
            // While the init runs its startContainer hook, `start` waits on the exec fifo: look at it there.
            WaitForFile(bundle.HostPath("/hook-ran"));
            string status = File.ReadAllText($"/proc/{start.Pid}/status");
            string stat = File.ReadAllText($"/proc/{start.Pid}/stat");
            start.Wait().ShouldSucceed();
            Jaula.WaitForStatus(id, "stopped");

            int threads = int.Parse(status.Split('\n').Single(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim(),
                CultureInfo.InvariantCulture);
            long faults = long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], CultureInfo.InvariantCulture);
            return (threads, faults);
        }

        string log = Path.Combine(Jaula.Root, "start-route.log");
        var c = ObserveStart(false, "--log", log, "--log-format", "json", "--systemd-cgroup");
        var managed = ObserveStart(true);

        managed.Threads.Should().BeGreaterThan(1, "the .NET runtime runs threads of its own besides main");
        managed.Faults.Should().BeGreaterThan(600, "the observable tells the two routes apart");
        c.Threads.Should().Be(1, "the C start is one thread: no runtime started");
        c.Faults.Should().BeLessThan(managed.Faults / 3, "no .NET runtime started");
        File.Exists(log).Should().BeFalse("a start that succeeds logs nothing, on either route");
    }

    [Fact]
    public void The_C_start_releases_the_init_and_removes_the_fifo()
    {
        string id = NewId();
        Bundle bundle = NewBundle("sh", "-c", "echo ran > /process-ran; sleep 600");
        Jaula.Create(id, bundle).ShouldSucceed();
        File.Exists(TicketOf(id)).Should().BeTrue();

        Jaula.InvokeRaw($"--root={Jaula.Root}", "start", id).ShouldSucceed();

        WaitForFile(bundle.HostPath("/process-ran")).Should().Be("ran\n");
        Jaula.State(id).Status.Should().Be("running");
        File.Exists(Path.Combine(Jaula.Root, id, "exec.fifo")).Should().BeFalse();
        Jaula.Start(id).ShouldFailWith(id, "cannot start an already running container");
    }

    [Fact]
    public void The_init_s_refusal_read_by_the_C_start_fails_start_and_removes_the_container()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b =>
            b.Config["hooks"] = new JsonObject
            {
                ["startContainer"] = new JsonArray(Hook("/bin/sh", ["sh", "-c", "echo start-hook-says-no >&2; exit 4"])),
            }, "sh", "-c", "touch /process-ran");
        Jaula.Create(id, bundle).ShouldSucceed();
        File.Exists(TicketOf(id)).Should().BeTrue("the C start is the one that reads the refusal here");

        Jaula.Start(id).ShouldFailWith(id, "hooks.startContainer[0]", "status 4", "start-hook-says-no");

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
        File.Exists(bundle.HostPath("/process-ran")).Should().BeFalse("the process must not run when a startContainer hook fails");
    }

    [Fact]
    public void A_start_of_an_init_that_died_is_worded_by_the_managed_start()
    {
        string id = NewId();
        Jaula.Create(id, NewBundle("true")).ShouldSucceed();
        int pid = Jaula.State(id).Pid;
        Jaula.Kill(id, "KILL").ShouldSucceed();
        Jaula.WaitForStatus(id, "stopped");
        File.Exists(TicketOf(id)).Should().BeTrue();
        pid.Should().BeGreaterThan(0);

        Jaula.Start(id).ShouldFailWith(id, "cannot start a container that has stopped");
    }

    [Theory]
    [InlineData("--debug")]
    [InlineData("--rootless=false")]
    public void A_flag_the_C_start_does_not_know_takes_the_managed_start(string flag)
    {
        string id = NewId();
        Bundle bundle = NewBundle("sh", "-c", "echo ran > /process-ran");
        Jaula.Create(id, bundle).ShouldSucceed();

        var result = Jaula.Invoke(flag, "start", id).ShouldSucceed();

        WaitForFile(bundle.HostPath("/process-ran")).Should().Be("ran\n");
        if (flag == "--debug")
            result.Stderr.Should().Contain($"container {id} started", "the managed start's debug line");
    }

    [Fact]
    public void Ids_the_C_start_refuses_get_the_managed_errors()
    {
        Jaula.Start("../escape").ShouldFailWith("invalid container id");
        Jaula.Start("it-no-such-container").ShouldFailWith("it-no-such-container", "container does not exist");
        Jaula.Invoke("start").ShouldFailWith("Required argument missing");
    }
}
