using System.Globalization;
using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// linux.resources on the real hierarchies (this host: v1 controllers plus cgroup2 at /sys/fs/cgroup/unified): the
/// limits land in the files and hold inside; pause, update, events, ps and kill --all act on the cgroup; delete
/// leaves no directory in any hierarchy. Every bundle has an absolute cgroupsPath below /jaula-it (CgroupPlacement).
/// </summary>
public sealed class CgroupResourceTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private const string Root = CgroupPlacement.Hierarchies;

    private static string Dir(Bundle bundle, string hierarchy) => $"{Root}/{hierarchy}{CgroupPlacement.PathOf(bundle)}";

    private static string Read(Bundle bundle, string hierarchy, string file) => File.ReadAllText(Path.Combine(Dir(bundle, hierarchy), file)).Trim();

    /// <summary>"paused" is runc's status, outside the OCI state schema's enum, so it is read without the schema check.</summary>
    private string? StatusOf(string id) => (string?)JsonNode.Parse(Jaula.StateRaw(id).ShouldSucceed().Stdout)!["status"];

    private static void Resources(Bundle bundle, string json) => bundle.Linux["resources"] = JsonNode.Parse(json);

    private (string Id, Bundle Bundle) RunSleeping(string resources = "{}", string script = "sleep 100")
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => Resources(b, resources), "sh", "-c", script);
        Jaula.RunDetached(id, bundle).ShouldSucceed();
        return (id, bundle);
    }

    [Fact]
    public void Create_makes_the_cgroup_in_every_hierarchy_with_the_init_in_it_and_delete_removes_them_all()
    {
        var (id, bundle) = RunSleeping();
        int pid = Jaula.State(id).Pid;
        var dirs = CgroupPlacement.DirectoriesOf(CgroupPlacement.PathOf(bundle)!).ToList();
        foreach (string hierarchy in new[] { "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "unified" })
            File.ReadAllLines($"{Dir(bundle, hierarchy)}/cgroup.procs").Should().Contain(pid.ToString(CultureInfo.InvariantCulture), hierarchy);
        File.ReadAllText($"/proc/{pid}/cgroup").Should().Contain($"memory:{CgroupPlacement.PathOf(bundle)}\n").And.NotContain("process_api");

        Jaula.Delete(id, force: true).ShouldSucceed();

        dirs.Where(Directory.Exists).Should().BeEmpty();
    }

    [Fact]
    public void Resources_are_written_to_their_v1_files_and_hugetlb_to_the_unified_hierarchy()
    {
        var (_, bundle) = RunSleeping("""
            {"memory": {"limit": 67108864, "reservation": 33554432, "swappiness": 20},
             "cpu": {"shares": 512, "quota": 50000, "period": 100000, "burst": 1000, "idle": 0, "cpus": "0", "mems": "0"},
             "pids": {"limit": 40},
             "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],
             "devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}]}
            """);
        Read(bundle, "memory", "memory.limit_in_bytes").Should().Be("67108864");
        Read(bundle, "memory", "memory.soft_limit_in_bytes").Should().Be("33554432");
        Read(bundle, "memory", "memory.swappiness").Should().Be("20");
        Read(bundle, "cpu", "cpu.shares").Should().Be("512");
        Read(bundle, "cpu", "cpu.cfs_quota_us").Should().Be("50000");
        Read(bundle, "cpu", "cpu.cfs_period_us").Should().Be("100000");
        Read(bundle, "cpu", "cpu.cfs_burst_us").Should().Be("1000");
        Read(bundle, "cpuset", "cpuset.cpus").Should().Be("0");
        Read(bundle, "pids", "pids.max").Should().Be("40");
        Read(bundle, "unified", "hugetlb.2MB.max").Should().Be("4194304");
        File.ReadAllLines($"{Dir(bundle, "devices")}/devices.list").Should().Contain("c 1:3 rwm").And.NotContain("a *:* rwm");
    }

    [Fact]
    public void A_value_the_host_refuses_names_file_value_and_cause_and_leaves_nothing()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => Resources(b, """{"memory": {"limit": 67108864}, "blockIO": {"weight": 300}}"""), "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.resources.blockIO.weight", "\"300\"", "blkio.weight", "No such file");

        CgroupPlacement.DirectoriesOf(CgroupPlacement.PathOf(bundle)!).Where(Directory.Exists).Should().BeEmpty();
        Jaula.StateRaw(id).ShouldFailWith("does not exist");
    }

    [Fact]
    public void Unified_settings_are_refused_on_this_v1_host()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => Resources(b, """{"unified": {"memory.high": "1000000"}}"""), "true");
        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.resources.unified", "cgroup v2");
    }

    [Fact]
    public void A_100MB_allocation_under_16MB_is_oom_killed_and_events_reports_the_oom()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => Resources(b, """{"memory": {"limit": 16777216}}"""),
            "sh", "-c", "while [ ! -e /tmp/go ]; do sleep 1; done; exec dd if=/dev/zero of=/dev/null bs=100M count=1");
        RunningCommand run = Jaula.LaunchRun(id, bundle);
        Jaula.WaitForStatus(id, "running");
        RunningCommand events = Jaula.Launch("events", "--interval", "1s", id);
        // events prints its first stats event once it watches for OOMs; only then may the allocation start.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!events.StdoutSoFar.Contains("\"type\":\"stats\"", StringComparison.Ordinal))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "events should print a stats event");
            Thread.Sleep(50);
        }
        File.WriteAllText(bundle.HostPath("/tmp/go"), "");

        run.Wait().ExitCode.Should().Be(137);
        CommandResult stream = events.Wait();
        stream.Stdout.Should().Contain($"{{\"type\":\"oom\",\"id\":\"{id}\"}}", "events streams an oom event: {0}", stream);
        stream.Stdout.Should().Contain("\"type\":\"stats\"");
    }

    [Fact]
    public void Forking_beyond_the_pids_limit_fails_inside()
    {
        CommandResult result = RunScript("for i in 1 2 3 4 5 6 7 8 9 10; do sleep 1 & done; wait; echo finished",
            b => Resources(b, """{"pids": {"limit": 5}}"""));
        (result.Stdout + result.Stderr).Should().Contain("can't fork");
    }

    [Fact]
    public void A_busy_loop_under_a_20_percent_quota_uses_about_20_percent()
    {
        var (_, bundle) = RunSleeping("""{"cpu": {"quota": 20000, "period": 100000}}""", "while :; do :; done");
        Thread.Sleep(300);
        ulong before = ulong.Parse(Read(bundle, "cpuacct", "cpuacct.usage"), CultureInfo.InvariantCulture);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Thread.Sleep(3000);
        ulong after = ulong.Parse(Read(bundle, "cpuacct", "cpuacct.usage"), CultureInfo.InvariantCulture);
        double share = (after - before) / (clock.Elapsed.TotalSeconds * 1e9);
        // Generous slack: a shared 2-core VM, and the quota is enforced per 100 ms period.
        share.Should().BeInRange(0.10, 0.30);
        long.Parse(Read(bundle, "cpu", "cpu.stat").Split('\n').First(l => l.StartsWith("nr_throttled", StringComparison.Ordinal)).Split(' ')[1],
            CultureInfo.InvariantCulture).Should().BePositive();
    }

    [Fact]
    public void A_cpuset_pins_the_container_to_one_cpu()
    {
        CommandResult result = RunScript("grep Cpus_allowed_list /proc/self/status", b => Resources(b, """{"cpu": {"cpus": "1"}}"""));
        result.ShouldSucceed().Stdout.Should().MatchRegex(@"Cpus_allowed_list:\s+1\s*$");
    }

    [Fact]
    public void Pause_stops_a_counter_and_resume_restarts_it()
    {
        var (id, bundle) = RunSleeping(script: "i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; done");
        WaitForFile(bundle.HostPath("/tmp/count"));

        Jaula.Invoke("pause", id).ShouldSucceed();
        StatusOf(id).Should().Be("paused");
        Read(bundle, "freezer", "freezer.state").Should().Be("FROZEN");
        string frozenAt = File.ReadAllText(bundle.HostPath("/tmp/count"));
        Thread.Sleep(500);
        File.ReadAllText(bundle.HostPath("/tmp/count")).Should().Be(frozenAt);
        Jaula.Invoke("pause", id).ShouldFailWith("paused");

        Jaula.Invoke("resume", id).ShouldSucceed();
        Jaula.State(id).Status.Should().Be("running");
        Thread.Sleep(300);
        File.ReadAllText(bundle.HostPath("/tmp/count")).Should().NotBe(frozenAt);
        Jaula.Invoke("resume", id).ShouldFailWith("not paused");
    }

    [Fact]
    public void A_paused_container_can_be_killed_and_force_deleted()
    {
        var (id, bundle) = RunSleeping(script: "sleep 100 & sleep 100");
        Jaula.Invoke("pause", id).ShouldSucceed();

        Jaula.Kill(id, "KILL").ShouldSucceed();
        Jaula.WaitForStatus(id, "stopped");

        var (other, _) = RunSleeping(script: "sleep 100 & sleep 100");
        Jaula.Invoke("pause", other).ShouldSucceed();
        Jaula.Delete(other, force: true).ShouldSucceed();
        Jaula.StateRaw(other).ShouldFailWith("does not exist");
    }

    [Fact]
    public void Update_changes_live_limits_with_flags_and_with_a_resources_file()
    {
        var (id, bundle) = RunSleeping("""{"memory": {"limit": 33554432}, "pids": {"limit": 20}}""");

        Jaula.Invoke("update", "--memory", "64m", "--pids-limit", "30", "--cpu-share", "256", "--cpu-quota", "30000", "--cpu-period", "100000", id).ShouldSucceed();
        Read(bundle, "memory", "memory.limit_in_bytes").Should().Be("67108864");
        Read(bundle, "pids", "pids.max").Should().Be("30");
        Read(bundle, "cpu", "cpu.shares").Should().Be("256");
        Read(bundle, "cpu", "cpu.cfs_quota_us").Should().Be("30000");

        string file = Path.Combine(bundle.Dir, "resources.json");
        File.WriteAllText(file, """{"memory": {"limit": 50331648}, "pids": {"limit": -1}}""");
        Jaula.Invoke("update", $"--resources={file}", id).ShouldSucceed();
        Read(bundle, "memory", "memory.limit_in_bytes").Should().Be("50331648");
        Read(bundle, "pids", "pids.max").Should().Be("max");

        Jaula.Invoke("update", "--memory", "lots", id).ShouldFailWith("--memory", "lots");
    }

    [Fact]
    public void Update_takes_a_whole_resources_block_with_device_rules_and_leaves_the_rules_as_they_are()
    {
        // containerd's CRI resends the spec's whole linux.resources on UpdateContainerResources, device rules included.
        const string Devices = """[{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}]""";
        var (id, bundle) = RunSleeping($$$"""{"devices": {{{Devices}}}, "memory": {"limit": 33554432}}""");
        string[] rulesBefore = File.ReadAllLines($"{Dir(bundle, "devices")}/devices.list");
        string log = Path.Combine(bundle.Dir, "update.log");

        // The same rules on stdin: a no-op for them, the memory limit applied.
        string same = Path.Combine(bundle.Dir, "same.json");
        File.WriteAllText(same, $$$"""{"devices": {{{Devices}}}, "memory": {"limit": 50331648}, "cpu": {"quota": 20000, "period": 100000}}""");
        using (var stdin = RunningCommand.Start("/bin/sh", ["-c", $"exec \"$0\" --root \"$1\" --debug --log \"$2\" update --resources - \"$3\" < \"$4\"",
                   Jaula.Binary, Jaula.Root, log, id, same]))
            stdin.Wait().ShouldSucceed();
        Read(bundle, "memory", "memory.limit_in_bytes").Should().Be("50331648");
        Read(bundle, "cpu", "cpu.cfs_quota_us").Should().Be("20000");
        File.ReadAllText(log).Should().Contain($"container {id}: linux.resources.devices unchanged (2 rules)");

        // Other rules in a file: ignored with a debug line, never an error; the other fields still applied.
        string other = Path.Combine(bundle.Dir, "other.json");
        File.WriteAllText(other, """{"devices": [{"allow": true, "access": "rwm"}], "pids": {"limit": 33}}""");
        Jaula.Invoke("--debug", "--log", log, "update", "--resources", other, id).ShouldSucceed();
        Read(bundle, "pids", "pids.max").Should().Be("33");
        File.ReadAllText(log).Should().Contain($"container {id}: linux.resources.devices differ from the container's; ignored");
        File.ReadAllLines($"{Dir(bundle, "devices")}/devices.list").Should().Equal(rulesBefore, "update leaves the device list as create set it");
    }

    [Fact]
    public void The_init_and_an_exec_enter_their_cgroups_by_themselves_on_this_hybrid_host()
    {
        // The parent's cgroup.procs write waits for an RCU grace period in the kernel; the C stage's child writes "0"
        // into each v1 tasks file instead and clone3 starts it in the cgroup2 directory (CgroupEntry).
        string id = NewId();
        Bundle bundle = NewBundle(_ => { }, "sleep", "100");
        string log = Path.Combine(bundle.Dir, "debug.log");
        Jaula.Invoke("--debug", "--log", log, "run", "-d", "--bundle", bundle.Dir, id).ShouldSucceed();
        int pid = Jaula.State(id).Pid;
        File.ReadAllText(log).Should().Contain($"the init (pid {pid}) moved itself into its v1 cgroups (tasks)")
            .And.Contain($"the init (pid {pid}) was born in {Dir(bundle, "unified")} (clone3 CLONE_INTO_CGROUP)")
            .And.NotContain("through cgroup.procs");

        Jaula.Invoke("exec", "-d", id, "sleep", "100").ShouldSucceed();
        foreach (string hierarchy in new[] { "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "unified" })
            File.ReadAllLines($"{Dir(bundle, hierarchy)}/cgroup.procs").Should().HaveCount(2, "the init and the exec'd sleep are in {0}", hierarchy);
    }

    [Fact]
    public void An_exec_whose_cgroup_refuses_it_fails_naming_the_tasks_file()
    {
        // A new v1 cpuset takes no task until it has cpus and mems: the exec'd process's own write of "0" into its
        // tasks file fails, and the error names that file.
        var (id, bundle) = RunSleeping();
        Jaula.Invoke("exec", "--cgroup", "sub", id, "true")
            .ShouldFailWith(id, "cannot join the container's cgroup", "/sub/tasks: No such file or directory");
        foreach (string hierarchy in new[] { "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "systemd", "unified" })
            Directory.CreateDirectory($"{Dir(bundle, hierarchy)}/sub");

        Jaula.Invoke("exec", "--cgroup", "sub", id, "true")
            .ShouldFailWith(id, $"write {Dir(bundle, "cpuset")}/sub/tasks: No space left on device");

        File.WriteAllText($"{Dir(bundle, "cpuset")}/sub/cpuset.cpus", File.ReadAllText($"{Dir(bundle, "cpuset")}/cpuset.cpus"));
        File.WriteAllText($"{Dir(bundle, "cpuset")}/sub/cpuset.mems", File.ReadAllText($"{Dir(bundle, "cpuset")}/cpuset.mems"));
        Jaula.Invoke("exec", "--cgroup", "sub", id, "true").ShouldSucceed();
    }

    [Fact]
    public void Events_stats_numbers_equal_the_cgroup_files()
    {
        var (id, bundle) = RunSleeping("""{"memory": {"limit": 33554432}, "pids": {"limit": 25}}""", "sleep 100 & sleep 100");

        CommandResult result = Jaula.Invoke("events", "--stats", id).ShouldSucceed();

        JsonObject e = JsonNode.Parse(result.Stdout)!.AsObject();
        ((string?)e["type"]).Should().Be("stats");
        ((string?)e["id"]).Should().Be(id);
        JsonNode data = e["data"]!;
        ((ulong)data["memory"]!["usage"]!["limit"]!).Should().Be(33554432);
        ((ulong)data["pids"]!["limit"]!).Should().Be(25);
        ((ulong)data["pids"]!["current"]!).Should().Be(ulong.Parse(Read(bundle, "pids", "pids.current"), CultureInfo.InvariantCulture));
        ((ulong)data["memory"]!["raw"]!["hierarchical_memory_limit"]!).Should().Be(33554432);
        ((ulong)data["cpu"]!["usage"]!["total"]!).Should().BeLessThanOrEqualTo(ulong.Parse(Read(bundle, "cpuacct", "cpuacct.usage"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Ps_lists_every_pid_of_the_cgroup()
    {
        var (id, bundle) = RunSleeping(script: "sleep 100 & sleep 101 & sleep 102");
        Thread.Sleep(200);
        var expected = File.ReadAllLines($"{Dir(bundle, "unified")}/cgroup.procs").Select(int.Parse).ToList();
        expected.Should().HaveCount(3);

        var json = JsonNode.Parse(Jaula.Invoke("ps", "-f", "json", id).ShouldSucceed().Stdout)!.AsArray().Select(n => (int)n!).ToList();
        json.Should().BeEquivalentTo(expected);

        string table = Jaula.Invoke("ps", id).ShouldSucceed().Stdout;
        table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(4).And.Contain(l => l.Contains("sleep 101"));
        Jaula.Invoke("ps", id, "-o", "pid,comm").ShouldSucceed().Stdout.Should().Contain("PID").And.Contain("sleep");
    }

    [Fact]
    public void Kill_all_reaches_every_process_of_the_cgroup()
    {
        var (id, bundle) = RunSleeping(script: "trap '' TERM; sleep 100 & sleep 100 & sleep 100");
        Thread.Sleep(200);
        var pids = File.ReadAllLines($"{Dir(bundle, "unified")}/cgroup.procs").Select(int.Parse).ToList();
        pids.Should().HaveCount(3);

        Jaula.Kill(id, "KILL", all: true).ShouldSucceed();

        Jaula.WaitForStatus(id, "stopped");
        foreach (int pid in pids)
            Reaper.WaitUntilGone(pid, TimeSpan.FromSeconds(5)).Should().BeTrue($"pid {pid} should be gone");
    }

    [Fact]
    public void A_cgroup_mount_shows_the_containers_own_cgroups_read_only()
    {
        CommandResult result = RunScript(
            "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; mkdir /sys/fs/cgroup/pids/x 2>/dev/null || echo read-only",
            b =>
            {
                Resources(b, """{"memory": {"limit": 41943040}, "pids": {"limit": 17}}""");
                b.AddMount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro");
            });
        result.ShouldSucceed().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("41943040", "17", "read-only");
    }

    [Fact]
    public void The_systemd_driver_is_refused_clearly_on_a_host_without_unified_cgroups()
    {
        // This host is v1 hybrid: the systemd driver (cgroup v2 only) is proven in the systemd guest (tests/guest).
        string id = NewId();
        Bundle bundle = NewBundle("true");
        Jaula.Invoke("--systemd-cgroup", "create", "--bundle", bundle.Dir, id)
            .ShouldFailWith("jaula's systemd driver works only on a unified cgroup v2 host");
        Jaula.Invoke("state", id).ShouldFailWith(id);
    }
}
