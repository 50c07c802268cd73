using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.Conformance.Tests.Engines;

/// <summary>
/// containerd 1.6 driving jaula through the runc v2 shim (`ctr run --runc-binary`): each scenario checks output and
/// exit code; after each, its containers are removed and none may be left: not in containerd, not as a cgroup, not as a
/// mount, not in jaula's state root.
/// </summary>
public sealed class ContainerdTests(ContainerdEngine containerd) : IClassFixture<ContainerdEngine>, IDisposable
{
    private readonly List<string> _ids = [];

    private string NewId()
    {
        string id = "jc-" + Guid.NewGuid().ToString("N")[..10];
        _ids.Add(id);
        return id;
    }

    /// <summary>Starts a detached `sleep` task and returns its container id.</summary>
    private string RunDetached(params string[] options)
    {
        string id = NewId();
        containerd.Run(id, ["-d", .. options], "sleep", "300").ShouldSucceed();
        containerd.TaskStatus(id).Should().Be("RUNNING");
        return id;
    }

    [Fact]
    public void Run_rm_echo_prints_and_exits_zero()
    {
        string id = NewId();
        containerd.Run(id, ["--rm"], "echo", "hello from jaula").ShouldSucceed().Stdout.Should().Be("hello from jaula\n");
        containerd.Containers().Should().NotContain(id, "--rm removes the container");
    }

    [Fact]
    public void Exit_codes_pass_through_and_a_missing_command_fails_create_with_the_path()
    {
        containerd.Run(NewId(), ["--rm"], "sh", "-c", "exit 3").ExitCode.Should().Be(3);
        CommandResult missing = containerd.Run(NewId(), ["--rm"], "/no/such/command");
        missing.ExitCode.Should().NotBe(0);
        missing.Stderr.Should().Contain("OCI runtime create failed").And.Contain("/no/such/command")
            .And.Contain("no such file or directory", "the shim reports the last error line of jaula's JSON log");
    }

    [Fact]
    public void Task_exec_plain_detached_and_its_exit_code()
    {
        string id = RunDetached();
        containerd.Ctr("task", "exec", "--exec-id", "e1", id, "echo", "execd").ShouldSucceed().Stdout.Should().Be("execd\n");
        containerd.Ctr("task", "exec", "--exec-id", "e2", id, "sh", "-c", "exit 5").ExitCode.Should().Be(5);
        containerd.Ctr("task", "exec", "--exec-id", "e3", "-d", id, "sh", "-c", "echo detached > /tmp/d.new && mv /tmp/d.new /tmp/d").ShouldSucceed();
        Eventually.True(() => containerd.Ctr("task", "exec", "--exec-id", "e4", id, "cat", "/tmp/d").Stdout == "detached\n",
            "the detached exec wrote /tmp/d");
    }

    [Fact]
    public void Task_exec_with_a_tty_gets_a_pty_and_its_exit_code()
    {
        string id = RunDetached();
        CommandResult tty = Pty.Run(TimeSpan.FromSeconds(60), "/usr/bin/ctr", CtrGlobal("task", "exec", "-t", "--exec-id", "t1", id, "tty"));
        tty.ShouldSucceed().Stdout.Should().MatchRegex("(^|\n)/dev/pts/[0-9]+\n");
        Pty.Run(TimeSpan.FromSeconds(60), "/usr/bin/ctr", CtrGlobal("task", "exec", "-t", "--exec-id", "t2", id, "sh", "-c", "exit 4"))
            .ExitCode.Should().Be(4);
    }

    [Fact]
    public void Run_with_a_tty_gets_a_pty()
    {
        string id = NewId();
        CommandResult result = Pty.Run(TimeSpan.FromSeconds(90), "/usr/bin/ctr", CtrGlobal(
            ["run", "-t", "--rm", "--runc-binary", RepoPaths.Binary, "--runc-root", containerd.RuntimeRoot,
             "--cgroup", containerd.CgroupPath(id), ContainerdEngine.Image, id, "sh", "-c", "tty; test -t 0 && echo stdin-is-a-tty"]));
        result.ShouldSucceed().Stdout.Should().MatchRegex("(^|\n)/dev/pts/[0-9]+\nstdin-is-a-tty\n");
    }

    [Fact]
    public void Task_ps_lists_init_and_an_exec()
    {
        string id = RunDetached();
        containerd.Ctr("task", "exec", "--exec-id", "sleeper", "-d", id, "sleep", "200").ShouldSucceed();
        string[] rows = containerd.Ctr("task", "ps", id).ShouldSucceed().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        rows[0].Should().StartWith("PID");
        rows.Should().HaveCount(3, "init and the exec: {0}", string.Join('\n', rows));
        rows.Should().Contain(r => r.Contains("ExecID:sleeper"));
    }

    [Fact]
    public void Pause_freezes_and_resume_thaws()
    {
        string id = RunDetached();
        containerd.Ctr("task", "pause", id).ShouldSucceed();
        containerd.TaskStatus(id).Should().Be("PAUSED");
        File.ReadAllText(Path.Combine(containerd.CgroupDir("freezer", id), "freezer.state")).Trim().Should().Be("FROZEN");
        containerd.Ctr("task", "resume", id).ShouldSucceed();
        containerd.TaskStatus(id).Should().Be("RUNNING");
        containerd.Ctr("task", "exec", "--exec-id", "after", id, "echo", "thawed").ShouldSucceed().Stdout.Should().Be("thawed\n");
    }

    [Fact]
    public void Kill_stops_the_task_and_kill_all_reaches_every_process()
    {
        string killed = RunDetached();
        containerd.Ctr("task", "kill", "-s", "SIGKILL", killed).ShouldSucceed();
        Eventually.True(() => containerd.TaskStatus(killed) == "STOPPED", $"{killed} stopped");

        string all = RunDetached();
        containerd.Ctr("task", "exec", "--exec-id", "extra", "-d", all, "sleep", "200").ShouldSucceed();
        string[] pids = TaskPids(all);
        pids.Should().HaveCount(2);
        containerd.Ctr("task", "kill", "-a", "-s", "SIGKILL", all).ShouldSucceed();
        Eventually.True(() => containerd.TaskStatus(all) == "STOPPED", $"{all} stopped");
        foreach (string pid in pids)
        {
            Reaper.WaitUntilGone(int.Parse(pid), TimeSpan.FromSeconds(10)).Should().BeTrue($"kill -a kills pid {pid} too");
        }
    }

    [Fact]
    public void Delete_force_removes_a_running_task()
    {
        string id = RunDetached();
        string pid = TaskPids(id).Single();
        containerd.Ctr("task", "delete", "--force", id).ShouldSucceed();
        containerd.TaskStatus(id).Should().BeNull();
        Reaper.WaitUntilGone(int.Parse(pid), TimeSpan.FromSeconds(10)).Should().BeTrue();
        containerd.Ctr("containers", "delete", id).ShouldSucceed();
        containerd.Containers().Should().NotContain(id);
    }

    [Fact]
    public void Memory_limit_and_cpus_reach_the_cgroup()
    {
        string id = RunDetached("--memory-limit", "67108864", "--cpus", "0.5");
        File.ReadAllText(Path.Combine(containerd.CgroupDir("memory", id), "memory.limit_in_bytes")).Trim().Should().Be("67108864");
        File.ReadAllText(Path.Combine(containerd.CgroupDir("cpu", id), "cpu.cfs_quota_us")).Trim().Should().Be("50000");
        File.ReadAllText(Path.Combine(containerd.CgroupDir("cpu", id), "cpu.cfs_period_us")).Trim().Should().Be("100000");
        containerd.Ctr("task", "exec", "--exec-id", "cg", id, "cat", "/proc/self/cgroup").ShouldSucceed()
            .Stdout.Should().Contain($"memory:{containerd.CgroupPath(id)}\n");
    }

    [Fact]
    public void Read_only_root_and_a_bind_mount()
    {
        string host = containerd.NewHostDirectory();
        File.WriteAllText(Path.Combine(host, "in"), "from the host\n");
        CommandResult result = containerd.Run(NewId(), ["--rm", "--read-only", "--mount", $"type=bind,src={host},dst=/v,options=rbind:rw"],
            "sh", "-c", "cat /v/in; echo from the container > /v/out; touch /x 2>/dev/null && echo root-rw || echo root-ro").ShouldSucceed();
        result.Stdout.Should().Be("from the host\nroot-ro\n");
        File.ReadAllText(Path.Combine(host, "out")).Should().Be("from the container\n");
    }

    private string[] CtrGlobal(params string[] args) => ["--address", containerd.Address, "--namespace", "jaula-it", .. args];

    private string[] TaskPids(string id) =>
        containerd.Ctr("task", "ps", id).ShouldSucceed().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(row => row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToArray();

    public void Dispose()
    {
        foreach (string id in _ids)
        {
            containerd.Remove(id);
        }
        var leaks = containerd.Containers().Intersect(_ids).Select(id => $"containerd still lists {id}").ToList();
        foreach (string id in _ids)
        {
            leaks.AddRange(HostCgroupTree.Directories(containerd.CgroupPath(id)).Select(d => $"cgroup left: {d}"));
            leaks.AddRange(MountTable.LinesMentioning(id).Select(l => $"mount left: {l}"));
            if (Directory.Exists(Path.Combine(containerd.RuntimeRoot, id)))
            {
                leaks.Add($"jaula state left: {Path.Combine(containerd.RuntimeRoot, id)}");
            }
        }
        if (leaks.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("left behind after the scenario:" + Environment.NewLine + string.Join(Environment.NewLine, leaks));
        }
    }
}
