using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.Conformance.Tests.Engines;

/// <summary>
/// Docker 20.10 driving jaula (dockerd --add-runtime, containerd's runc v2 shim in between): each scenario checks output
/// and exit code; after each, its containers are removed and none may be left: not in Docker, not as a cgroup, not as a mount.
/// </summary>
public sealed class DockerTests(DockerEngine docker) : IClassFixture<DockerEngine>, IDisposable
{
    private readonly List<string> _names = [];
    private readonly List<string> _ids = [];

    private string NewName()
    {
        string name = "jd-" + Guid.NewGuid().ToString("N")[..10];
        _names.Add(name);
        return name;
    }

    /// <summary>Starts a detached `sleep` container and returns its name (its full id is the last of _ids).</summary>
    private string RunDetached(params string[] options)
    {
        string name = NewName();
        CommandResult run = docker.Run(["-d", "--name", name, .. options, DockerEngine.Image, "sleep", "300"]).ShouldSucceed();
        _ids.Add(run.Stdout.Trim());
        return name;
    }

    private string ReadCgroup(string hierarchy, string file) =>
        File.ReadAllText(Path.Combine(docker.CgroupDir(hierarchy, _ids[^1]), file)).Trim();

    [Fact]
    public void Run_rm_echo_prints_and_exits_zero()
    {
        string name = NewName();
        docker.Run("--rm", "--name", name, DockerEngine.Image, "echo", "hello from jaula").ShouldSucceed().Stdout.Should().Be("hello from jaula\n");
        docker.Containers().Should().NotContain(name);
    }

    [Fact]
    public void Exit_codes_pass_through_and_a_missing_command_is_127()
    {
        docker.Run("--rm", "--name", NewName(), DockerEngine.Image, "sh", "-c", "exit 3").ExitCode.Should().Be(3);
        CommandResult missing = docker.Run("--rm", "--name", NewName(), DockerEngine.Image, "/no/such/command");
        missing.ExitCode.Should().Be(127, "docker maps 'no such file or directory' to 127: {0}", missing);
        missing.Stderr.Should().Contain("/no/such/command");
    }

    [Fact]
    public void Run_it_gets_a_terminal()
    {
        CommandResult result = Pty.Run(TimeSpan.FromSeconds(90), "/usr/bin/env", [.. docker.ClientCommand,
            "run", "-it", "--rm", "--runtime", "jaula", "--network", "none", "--name", NewName(), DockerEngine.Image,
            "sh", "-c", "tty; test -t 0 && echo stdin-is-a-tty; exit 6"]);
        result.ExitCode.Should().Be(6, "{0}", result);
        result.Stdout.Should().MatchRegex("(^|\n)/dev/pts/[0-9]+\nstdin-is-a-tty\n");
    }

    [Fact]
    public void Exec_plain_it_user_detached_and_its_exit_code()
    {
        string name = RunDetached();
        docker.Docker("exec", name, "echo", "execd").ShouldSucceed().Stdout.Should().Be("execd\n");
        docker.Docker("exec", "--user", "1000:1000", name, "id").ShouldSucceed().Stdout.Should().StartWith("uid=1000(tester) gid=1000(tester)");
        docker.Docker("exec", name, "sh", "-c", "exit 7").ExitCode.Should().Be(7);
        CommandResult tty = Pty.Run(TimeSpan.FromSeconds(60), "/usr/bin/env", [.. docker.ClientCommand, "exec", "-it", name, "tty"]);
        tty.ShouldSucceed().Stdout.Should().MatchRegex("(^|\n)/dev/pts/[0-9]+\n");
        docker.Docker("exec", "-d", name, "sh", "-c", "echo detached > /tmp/d.new && mv /tmp/d.new /tmp/d").ShouldSucceed();
        Eventually.True(() => docker.Docker("exec", name, "cat", "/tmp/d").Stdout == "detached\n", "the detached exec wrote /tmp/d");
    }

    [Fact]
    public void Top_lists_the_containers_processes()
    {
        string name = RunDetached();
        docker.Docker("exec", "-d", name, "sleep", "201").ShouldSucceed();
        Eventually.True(() => docker.Docker("top", name).Stdout.Contains("sleep 201"), "top shows the exec'd sleep");
        string top = docker.Docker("top", name).ShouldSucceed().Stdout;
        top.Should().Contain("sleep 300");
    }

    [Fact]
    public void Pause_freezes_and_unpause_thaws()
    {
        string name = RunDetached();
        docker.Docker("pause", name).ShouldSucceed();
        Status(name).Should().Be("paused");
        ReadCgroup("freezer", "freezer.state").Should().Be("FROZEN");
        docker.Docker("unpause", name).ShouldSucceed();
        Status(name).Should().Be("running");
        docker.Docker("exec", name, "echo", "thawed").ShouldSucceed().Stdout.Should().Be("thawed\n");
    }

    [Fact]
    public void Limits_reach_the_cgroup_and_update_changes_them()
    {
        string name = RunDetached("--memory", "64m", "--pids-limit", "40", "--cpus", "0.5");
        ReadCgroup("memory", "memory.limit_in_bytes").Should().Be("67108864");
        ReadCgroup("pids", "pids.max").Should().Be("40");
        ReadCgroup("cpu", "cpu.cfs_quota_us").Should().Be("50000");
        ReadCgroup("cpu", "cpu.cfs_period_us").Should().Be("100000");
        docker.Docker("update", "--memory", "128m", "--memory-swap", "256m", "--cpus", "1.5", "--pids-limit", "50", name).ShouldSucceed();
        ReadCgroup("memory", "memory.limit_in_bytes").Should().Be("134217728");
        ReadCgroup("cpu", "cpu.cfs_quota_us").Should().Be("150000");
        ReadCgroup("pids", "pids.max").Should().Be("50");
    }

    [Fact]
    public void Stats_reports_the_memory_limit()
    {
        string name = RunDetached("--memory", "64m");
        CommandResult stats = docker.Docker("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}} {{.PIDs}}", name).ShouldSucceed();
        stats.Stdout.Should().MatchRegex($"^{name} [0-9.]+[KMG]?i?B / 64MiB 1\n$");
    }

    [Fact]
    public void Kill_stop_restart_and_rm_force()
    {
        string killed = RunDetached();
        docker.Docker("kill", killed).ShouldSucceed();
        docker.Docker("wait", killed).ShouldSucceed().Stdout.Trim().Should().Be("137", "SIGKILL is 128+9");

        string stopped = RunDetached();
        docker.Docker("stop", "-t", "1", stopped).ShouldSucceed();
        Status(stopped).Should().Be("exited");

        string restarted = RunDetached();
        string before = Inspect(restarted, "{{.State.Pid}}");
        docker.Docker("restart", "-t", "0", restarted).ShouldSucceed();
        Status(restarted).Should().Be("running");
        Inspect(restarted, "{{.State.Pid}}").Should().NotBe(before);
        docker.Docker("exec", restarted, "true").ShouldSucceed();

        string removed = RunDetached();
        docker.Docker("rm", "-f", removed).ShouldSucceed();
        docker.Containers().Should().NotContain(removed);
    }

    [Fact]
    public void Read_only_root_cap_drop_all_and_the_default_seccomp_profile()
    {
        CommandResult result = docker.Run("--rm", "--read-only", "--cap-drop", "ALL", "--name", NewName(), DockerEngine.Image,
            "sh", "-c", "touch /x 2>/dev/null && echo root-rw || echo root-ro; grep -E '^(Cap(Eff|Prm|Bnd)|Seccomp):' /proc/self/status")
            .ShouldSucceed();
        result.Stdout.Should().Be("root-ro\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nSeccomp:\t2\n");
    }

    [Fact]
    public void A_named_volume_and_a_bind_mount_are_read_and_written()
    {
        string volume = "jd-vol-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            docker.Run("--rm", "-v", $"{volume}:/data", "--name", NewName(), DockerEngine.Image, "sh", "-c", "echo kept > /data/f").ShouldSucceed();
            docker.Run("--rm", "-v", $"{volume}:/data", "--name", NewName(), DockerEngine.Image, "cat", "/data/f")
                .ShouldSucceed().Stdout.Should().Be("kept\n");
        }
        finally
        {
            docker.Docker("volume", "rm", "-f", volume);
        }
        string host = docker.NewHostDirectory();
        File.WriteAllText(Path.Combine(host, "in"), "from the host\n");
        docker.Run("--rm", "-v", $"{host}:/v", "--name", NewName(), DockerEngine.Image, "sh", "-c", "cat /v/in; echo from the container > /v/out")
            .ShouldSucceed().Stdout.Should().Be("from the host\n");
        File.ReadAllText(Path.Combine(host, "out")).Should().Be("from the container\n");
    }

    [Fact]
    public void Init_runs_docker_init_as_pid_1()
    {
        CommandResult result = docker.Run("--rm", "--init", "--name", NewName(), DockerEngine.Image,
            "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $$").ShouldSucceed();
        string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith("/sbin/docker-init -- sh -c", "docker --init bind-mounts tini as /sbin/docker-init: {0}", result);
        lines[1].Should().NotBe("1");
    }

    private string Status(string name) => Inspect(name, "{{.State.Status}}");

    private string Inspect(string name, string format) =>
        docker.Docker("inspect", "--format", format, name).ShouldSucceed().Stdout.Trim();

    public void Dispose()
    {
        foreach (string name in _names)
        {
            docker.Docker("rm", "-f", "-v", name);
        }
        var leaks = docker.Containers().Intersect(_names).Select(n => $"docker still lists {n}").ToList();
        foreach (string id in _ids)
        {
            leaks.AddRange(HostCgroupTree.Directories($"{docker.CgroupParent}/{id}").Select(d => $"cgroup left: {d}"));
            leaks.AddRange(MountTable.LinesMentioning(id).Select(l => $"mount left: {l}"));
        }
        if (leaks.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("left behind after the scenario:" + Environment.NewLine + string.Join(Environment.NewLine, leaks));
        }
    }
}
