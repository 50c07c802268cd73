using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.Conformance.Tests.Engines;

/// <summary>
/// Podman 4.3 driving jaula (--runtime through containers.conf): each scenario checks output and exit code; after each,
/// its containers are removed and none may be left: not in podman, not as a cgroup, not as a mount.
/// </summary>
public sealed class PodmanTests(PodmanEngine podman) : IClassFixture<PodmanEngine>, IDisposable
{
    private readonly List<string> _names = [];
    private readonly List<string> _ids = [];

    private string NewName()
    {
        string name = "jc-" + Guid.NewGuid().ToString("N")[..10];
        _names.Add(name);
        return name;
    }

    /// <summary>Starts a detached `sleep` container and returns its name.</summary>
    private string RunDetached(params string[] options)
    {
        string name = NewName();
        CommandResult run = podman.Run(["-d", "--name", name, .. options, PodmanEngine.Image, "sleep", "300"]).ShouldSucceed();
        _ids.Add(run.Stdout.Trim());
        return name;
    }

    [Fact]
    public void Run_rm_echo_prints_and_exits_zero()
    {
        CommandResult result = podman.Run("--rm", "--name", NewName(), PodmanEngine.Image, "echo", "hello from jaula").ShouldSucceed();
        result.Stdout.Should().Be("hello from jaula\n");
    }

    [Fact]
    public void Exit_codes_pass_through_and_a_missing_command_is_127()
    {
        podman.Run("--rm", "--name", NewName(), PodmanEngine.Image, "sh", "-c", "exit 3").ExitCode.Should().Be(3);
        CommandResult missing = podman.Run("--rm", "--name", NewName(), PodmanEngine.Image, "/no/such/command");
        missing.ExitCode.Should().Be(127, "podman maps 'no such file or directory' to 127: {0}", missing);
        missing.Stderr.Should().Contain("/no/such/command");
    }

    [Fact]
    public void Exec_plain_user_env_workdir_detached_and_its_exit_code()
    {
        string name = RunDetached();
        podman.Podman("exec", name, "echo", "execd").ShouldSucceed().Stdout.Should().Be("execd\n");
        podman.Podman("exec", "--user", "1000:1000", name, "id", "-u").ShouldSucceed().Stdout.Should().Be("1000\n");
        podman.Podman("exec", "-e", "FOO=bar baz", name, "sh", "-c", "echo $FOO").ShouldSucceed().Stdout.Should().Be("bar baz\n");
        podman.Podman("exec", "-w", "/tmp", name, "pwd").ShouldSucceed().Stdout.Should().Be("/tmp\n");
        podman.Podman("exec", "-d", name, "sh", "-c", "echo detached > /tmp/d.new && mv /tmp/d.new /tmp/d").ShouldSucceed();
        Eventually.True(() => podman.Podman("exec", name, "cat", "/tmp/d").Stdout == "detached\n", "the detached exec wrote /tmp/d");
        podman.Podman("exec", name, "sh", "-c", "exit 7").ExitCode.Should().Be(7);
    }

    [Fact]
    public void Stop_kill_and_rm_force()
    {
        string stopped = RunDetached();
        podman.Podman("stop", "-t", "1", stopped).ShouldSucceed();
        Status(stopped).Should().StartWith("exited");

        string killed = RunDetached();
        podman.Podman("kill", killed).ShouldSucceed();
        podman.Podman("wait", killed).ShouldSucceed().Stdout.Trim().Should().Be("137", "SIGKILL is 128+9");

        string removed = RunDetached();
        podman.Podman("rm", "-f", "-t", "0", removed).ShouldSucceed();
        podman.Containers().Should().NotContain(removed);
    }

    [Fact]
    public void Read_only_root_keeps_tmp_writable()
    {
        CommandResult result = podman.Run("--rm", "--read-only", "--name", NewName(), PodmanEngine.Image,
            "sh", "-c", "touch /x 2>/dev/null && echo root-rw || echo root-ro; touch /tmp/y && echo tmp-rw").ShouldSucceed();
        result.Stdout.Should().Be("root-ro\ntmp-rw\n");
    }

    [Fact]
    public void Cap_drop_all_leaves_no_capability()
    {
        CommandResult result = podman.Run("--rm", "--cap-drop", "ALL", "--name", NewName(), PodmanEngine.Image,
            "grep", "-E", "^Cap(Eff|Prm|Bnd)", "/proc/self/status").ShouldSucceed();
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().OnlyContain(l => l.EndsWith("0000000000000000"));
    }

    [Fact]
    public void Run_user_sets_the_process_ids()
    {
        CommandResult result = podman.Run("--rm", "--user", "1000:1000", "--name", NewName(), PodmanEngine.Image,
            "sh", "-c", "id -u; id -g").ShouldSucceed();
        result.Stdout.Should().Be("1000\n1000\n");
    }

    [Fact]
    public void A_bind_volume_is_read_and_written()
    {
        string host = podman.NewHostDirectory();
        File.WriteAllText(Path.Combine(host, "in"), "from the host\n");
        CommandResult result = podman.Run("--rm", "-v", $"{host}:/v", "--name", NewName(), PodmanEngine.Image,
            "sh", "-c", "cat /v/in; echo from the container > /v/out").ShouldSucceed();
        result.Stdout.Should().Be("from the host\n");
        File.ReadAllText(Path.Combine(host, "out")).Should().Be("from the container\n");
    }

    [Fact]
    public void Memory_and_pids_limits_reach_the_cgroup()
    {
        string name = RunDetached("--memory", "64m", "--pids-limit", "40");
        string id = _ids[^1];
        File.ReadAllText(Path.Combine(podman.CgroupDir("memory", id), "memory.limit_in_bytes")).Trim().Should().Be("67108864");
        File.ReadAllText(Path.Combine(podman.CgroupDir("pids", id), "pids.max")).Trim().Should().Be("40");
        podman.Podman("exec", name, "cat", "/proc/self/cgroup").ShouldSucceed().Stdout.Should().Contain($"libpod-{id}");
    }

    [Fact]
    public void Pause_freezes_and_unpause_thaws()
    {
        string name = RunDetached();
        string id = _ids[^1];
        podman.Podman("pause", name).ShouldSucceed();
        Status(name).Should().Be("paused");
        File.ReadAllText(Path.Combine(podman.CgroupDir("freezer", id), "freezer.state")).Trim().Should().Be("FROZEN");
        podman.Podman("unpause", name).ShouldSucceed();
        Status(name).Should().Be("running");
        podman.Podman("exec", name, "echo", "thawed").ShouldSucceed().Stdout.Should().Be("thawed\n");
    }

    [Fact]
    public void Cpus_becomes_a_cfs_quota_and_update_changes_the_memory_limit()
    {
        string name = RunDetached("--cpus", "0.5", "--memory", "64m");
        string id = _ids[^1];
        File.ReadAllText(Path.Combine(podman.CgroupDir("cpu", id), "cpu.cfs_quota_us")).Trim().Should().Be("50000");
        File.ReadAllText(Path.Combine(podman.CgroupDir("cpu", id), "cpu.cfs_period_us")).Trim().Should().Be("100000");
        podman.Podman("update", "--memory", "128m", name).ShouldSucceed();
        File.ReadAllText(Path.Combine(podman.CgroupDir("memory", id), "memory.limit_in_bytes")).Trim().Should().Be("134217728");
    }

    [Fact]
    public void Restart_runs_the_container_again()
    {
        string name = RunDetached();
        string before = podman.Podman("inspect", "--format", "{{.State.Pid}}", name).ShouldSucceed().Stdout.Trim();
        podman.Podman("restart", "-t", "0", name).ShouldSucceed();
        Status(name).Should().Be("running");
        podman.Podman("inspect", "--format", "{{.State.Pid}}", name).ShouldSucceed().Stdout.Trim().Should().NotBe(before);
        podman.Podman("exec", name, "true").ShouldSucceed();
    }

    [Fact]
    public void Init_runs_catatonit_as_pid_1()
    {
        CommandResult result = podman.Run("--rm", "--init", "--name", NewName(), PodmanEngine.Image,
            "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $$").ShouldSucceed();
        string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Contain("init", "podman --init bind-mounts catatonit as /run/podman-init: {0}", result);
        lines[1].Should().NotBe("1");
    }

    [Fact]
    public void Exec_with_a_tty_gets_a_pty()
    {
        string name = RunDetached();
        CommandResult result = podman.Podman("exec", "-t", name, "tty").ShouldSucceed();
        result.Stdout.Trim().Should().MatchRegex("^/dev/pts/[0-9]+$");
    }

    [Fact]
    public void Run_it_and_exec_it_get_a_terminal()
    {
        CommandResult RunIt() => Pty.Run(TimeSpan.FromSeconds(90), "/usr/bin/env", [.. podman.ClientCommand,
            "run", "-it", "--rm", "--cgroup-parent", podman.CgroupParent, "--name", NewName(), PodmanEngine.Image,
            "sh", "-c", "tty; test -t 0 && echo stdin-is-a-tty; exit 6"]);
        // Now and then podman prints nothing of a process that ran (its exit status 6 came back). Not jaula's, nor its
        // fast start's: this command, run 30 times outside the test (same pty, flags and image), printed nothing in
        // 5 runs under runc, 2 under jaula's C start and 2 under jaula's managed start (start.ticket removed first).
        // Traced (tracefs, runc): conmon wrote both lines to the attach socket, then closed it with a byte podman had
        // forwarded unread in it (the EOF character `script` types when its stdin, /dev/null, ends), so podman's next
        // read got ECONNRESET, which podman takes as the end: the lines were never read. With script's stdin held open
        // instead, 0 of 15 under runc. Hence up to three tries; a terminal that never works still fails all three.
        CommandResult run = RunIt();
        for (int attempt = 1; attempt < 3 && run.ExitCode == 6 && run.Stdout.Length == 0; attempt++)
            run = RunIt();
        run.ExitCode.Should().Be(6, "{0}", run);
        run.Stdout.Should().MatchRegex("(^|\n)/dev/pts/[0-9]+\nstdin-is-a-tty\n");

        string name = RunDetached();
        CommandResult exec = Pty.Run(TimeSpan.FromSeconds(60), "/usr/bin/env", [.. podman.ClientCommand,
            "exec", "-it", name, "sh", "-c", "tty; test -t 0 && echo stdin-is-a-tty"]);
        exec.ShouldSucceed().Stdout.Should().MatchRegex("(^|\n)/dev/pts/[0-9]+\nstdin-is-a-tty\n");
    }

    [Fact]
    public void The_default_seccomp_profile_filters_the_container_and_its_exec()
    {
        podman.Run("--rm", "--name", NewName(), PodmanEngine.Image, "grep", "^Seccomp:", "/proc/self/status")
            .ShouldSucceed().Stdout.Should().Be("Seccomp:\t2\n");
        string name = RunDetached();
        podman.Podman("exec", name, "grep", "^Seccomp:", "/proc/self/status").ShouldSucceed().Stdout.Should().Be("Seccomp:\t2\n");
        podman.Run("--rm", "--security-opt", "seccomp=unconfined", "--name", NewName(), PodmanEngine.Image, "grep", "^Seccomp:", "/proc/self/status")
            .ShouldSucceed().Stdout.Should().Be("Seccomp:\t0\n");
    }

    [Fact]
    public void Privileged_gets_the_hosts_whole_bounding_set()
    {
        // Podman asks only for the capabilities its own bounding set has (here without CAP_SYS_RESOURCE), as under runc.
        string hostBounding = File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("CapBnd:")).Split('\t')[1];
        CommandResult result = podman.Run("--rm", "--privileged", "--name", NewName(), PodmanEngine.Image,
            "grep", "CapBnd", "/proc/self/status").ShouldSucceed();
        result.Stdout.Trim().Should().Be($"CapBnd:\t{hostBounding}");
    }

    private string Status(string name) =>
        podman.Podman("inspect", "--format", "{{.State.Status}}", name).ShouldSucceed().Stdout.Trim();

    public void Dispose()
    {
        foreach (string name in _names)
        {
            podman.Podman("rm", "-f", "-t", "0", name);
        }
        var leaks = podman.Containers().Intersect(_names).Select(n => $"podman still lists {n}").ToList();
        foreach (string id in _ids)
        {
            leaks.AddRange(HostCgroupTree.Directories($"{podman.CgroupParent}/libpod-{id}").Select(d => $"cgroup left: {d}"));
            leaks.AddRange(MountTable.LinesMentioning(id).Select(l => $"mount left: {l}"));
        }
        if (leaks.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("left behind after the scenario:" + Environment.NewLine + string.Join(Environment.NewLine, leaks));
        }
    }
}
