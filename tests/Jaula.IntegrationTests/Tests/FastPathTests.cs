using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// The C start and delete (native/fast_path.c): `start` of a container with nothing for .NET to do after the release
/// (no poststart hooks), and `delete` of a stopped one with nothing but cgroups and its state to remove, never start
/// the runtime; every case they do not expect goes to the managed command, whose errors stay as they were.
/// </summary>
public sealed class FastPathTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    /// <summary>
    /// The .NET runtime's GC reserves its heap's address space at start (tens of GB on this host); a C route maps only
    /// the binary and libc and runs within 16 MB of address space, where .NET cannot start within 40 MB (measured).
    /// The limits leave room on both sides.
    /// </summary>
    private const long GcReservationKb = 1024 * 1024;
    private const long CRouteSizeKb = 64 * 1024;
    private const int AddressSpaceLimitKb = 30000;

    private string TicketOf(string id) => Path.Combine(Jaula.Root, id, "start.ticket");

    private string DeleteTicketOf(string id) => Path.Combine(Jaula.Root, id, "delete.ticket");

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
        (int Threads, long MinorFaults, long VmSizeKb) ObserveStart(bool withPoststart, params string[] flags)
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
            var load = ProcessInfo.Load(start.Pid);
            start.Wait().ShouldSucceed();
            Jaula.WaitForStatus(id, "stopped");
            return load;
        }

        string log = Path.Combine(Jaula.Root, "start-route.log");
        var c = ObserveStart(false, "--log", log, "--log-format", "json", "--systemd-cgroup");
        var managed = ObserveStart(true);

        managed.Threads.Should().BeGreaterThan(1, "the .NET runtime runs threads of its own besides main");
        managed.VmSizeKb.Should().BeGreaterThan(GcReservationKb, "the .NET runtime's GC reserved its heap");
        c.Threads.Should().Be(1, "the C start is one thread: no runtime started");
        c.VmSizeKb.Should().BeLessThan(CRouteSizeKb, "no .NET runtime started (only the binary and libc are mapped)");
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

    /// <summary>Threads, minor faults and address-space size of a `delete` while it waits for the container's lock, which a flock(1) holds.</summary>
    private (int Threads, long MinorFaults, long VmSizeKb) ObserveDeleteBlockedOnLock(string id, params string[] flags)
    {
        string dir = Path.Combine(Jaula.Root, id);
        using var holder = RunningCommand.Start("flock", [dir, "sleep", "30"]);
        // flock(1) runs its command once it holds the lock.
        WaitUntil(() => ProcessInfo.All().Any(p => p.ParentPid == holder.Pid), "flock(1) holds the lock");
        using var delete = Jaula.Launch([.. flags, "delete", id]);
        // Blocked in flock(2) (73 on x86_64), before or after the .NET runtime started, depending on the route.
        WaitUntil(() => File.ReadAllText($"/proc/{delete.Pid}/syscall").StartsWith("73 ", StringComparison.Ordinal), "delete waits for the lock");
        var load = ProcessInfo.Load(delete.Pid);
        holder.KillTree();
        delete.Wait().ShouldSucceed();
        return load;
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"timed out waiting until {what}");
            Thread.Sleep(10);
        }
    }

    private string StoppedContainer(Action<Bundle>? tweak = null)
    {
        string id = NewId();
        Jaula.RunDetached(id, NewBundle(tweak ?? (_ => { }), "true")).ShouldSucceed();
        Jaula.WaitForStatus(id, "stopped");
        return id;
    }

    [Fact]
    public void A_delete_of_a_stopped_container_never_starts_dotnet()
    {
        string c = StoppedContainer();
        string managed = StoppedContainer(b => b.Config["hooks"] = new JsonObject
        {
            ["poststop"] = new JsonArray(Hook("/bin/true", ["true"])),
        });
        File.Exists(DeleteTicketOf(c)).Should().BeTrue();
        File.Exists(DeleteTicketOf(managed)).Should().BeFalse("poststop hooks run in the managed delete");

        var cDelete = ObserveDeleteBlockedOnLock(c, "--log-format", "json");
        var managedDelete = ObserveDeleteBlockedOnLock(managed);

        managedDelete.Threads.Should().BeGreaterThan(1, "the .NET runtime runs threads of its own besides main");
        cDelete.Threads.Should().Be(1, "the C delete is one thread: no runtime started");
        managedDelete.VmSizeKb.Should().BeGreaterThan(GcReservationKb, "the .NET runtime's GC reserved its heap");
        cDelete.VmSizeKb.Should().BeLessThan(CRouteSizeKb, "no .NET runtime started (only the binary and libc are mapped)");
        Jaula.StateRaw(c).ShouldFailWith("container does not exist");
        Jaula.StateRaw(managed).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void The_C_delete_removes_the_container_s_cgroups_and_state()
    {
        string id = StoppedContainer();
        string[] cgroups = File.ReadAllLines(DeleteTicketOf(id)).Where(l => l.StartsWith("d ", StringComparison.Ordinal)).Select(l => l[2..]).ToArray();
        cgroups.Should().NotBeEmpty();
        cgroups.Should().OnlyContain(dir => Directory.Exists(dir));

        Jaula.Delete(id).ShouldSucceed();

        cgroups.Should().OnlyContain(dir => !Directory.Exists(dir));
        Directory.Exists(Path.Combine(Jaula.Root, id)).Should().BeFalse();
        Jaula.Invoke("list", "-q").ShouldSucceed().Stdout.Should().NotContain(id);
    }

    [Fact]
    public void A_live_container_goes_to_the_managed_delete()
    {
        string id = NewId();
        Jaula.RunDetached(id, NewBundle("sleep", "600")).ShouldSucceed();
        File.Exists(DeleteTicketOf(id)).Should().BeTrue();

        Jaula.Delete(id).ShouldFailWith(id, "not stopped", "running");
        Jaula.Delete(id, force: true).ShouldSucceed();
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void A_process_left_in_the_cgroup_sends_delete_to_the_managed_delete_which_kills_it()
    {
        // Without a pid namespace the init's background child outlives it, still in the container's cgroups.
        string id = StoppedContainer(b =>
        {
            var namespaces = b.Linux["namespaces"]!.AsArray();
            namespaces.Remove(namespaces.Single(n => (string?)n!["type"] == "pid"));
            b.Args("sh", "-c", "sleep 600 & echo $! > /straggler");
        });
        string straggler = File.ReadAllLines(DeleteTicketOf(id)).First(l => l.StartsWith("d ", StringComparison.Ordinal))[2..];
        File.ReadAllText(Path.Combine(straggler, "cgroup.procs")).Should().NotBeEmpty("the background sleep is still there");

        Jaula.Delete(id).ShouldSucceed();

        Directory.Exists(straggler).Should().BeFalse();
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    /// <summary>
    /// Runs jaula with an address-space limit the .NET runtime cannot start in (its GC reserves more), so a command
    /// that succeeds there never started it: the C route, observed without timing.
    /// </summary>
    private CommandResult WithoutRoomForDotnet(params string[] args)
    {
        string command = string.Join(" ", new[] { Jaula.Binary, "--root", Jaula.Root }.Concat(args).Select(a => $"'{a}'"));
        using var shell = RunningCommand.Start("bash", ["-c", $"ulimit -v {AddressSpaceLimitKb}; exec {command}"]);
        return shell.Wait();
    }

    [Fact]
    public void A_forced_delete_of_a_running_container_kills_and_removes_it_in_C()
    {
        WithoutRoomForDotnet("--version").ExitCode.Should().NotBe(0, "the observable: .NET cannot start under this limit");
        string id = NewId();
        Jaula.RunDetached(id, NewBundle("sleep", "600")).ShouldSucceed();
        int pid = Jaula.State(id).Pid;

        WithoutRoomForDotnet("delete", "--force", id).ShouldSucceed();

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
        var init = ProcessInfo.Read(pid);
        (init is null || init.IsZombie).Should().BeTrue("the init was killed");
    }

    [Fact]
    public void A_forced_delete_of_a_paused_container_goes_to_the_managed_delete()
    {
        string id = NewId();
        Jaula.RunDetached(id, NewBundle("sleep", "600")).ShouldSucceed();
        Jaula.Invoke("pause", id).ShouldSucceed();

        // The frozen init keeps SIGKILL pending: the C delete gives up after its short wait; the managed one thaws it.
        WithoutRoomForDotnet("delete", "--force", id).ExitCode.Should().NotBe(0, "the C delete handed it over");
        Jaula.StateRaw(id).ShouldSucceed().Stdout.Should().Contain("\"status\": \"paused\"", "nothing was removed before the hand-over");
        Jaula.Delete(id, force: true).ShouldSucceed();
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void A_delete_without_force_of_a_running_container_is_refused_by_the_managed_delete()
    {
        string id = NewId();
        Jaula.RunDetached(id, NewBundle("sleep", "600")).ShouldSucceed();

        WithoutRoomForDotnet("delete", id).ExitCode.Should().NotBe(0, "the C delete leaves a live container alone");
        Jaula.Delete(id).ShouldFailWith(id, "not stopped", "running");
        Jaula.State(id).Status.Should().Be("running");
    }

    [Fact]
    public void A_start_under_the_limit_runs_the_process()
    {
        string id = NewId();
        Bundle bundle = NewBundle("sh", "-c", "echo ran > /process-ran");
        Jaula.Create(id, bundle).ShouldSucceed();

        WithoutRoomForDotnet("start", id).ShouldSucceed();

        WaitForFile(bundle.HostPath("/process-ran")).Should().Be("ran\n");
    }
}
