using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>`jaula exec`: a new process inside a running container, as engines drive it.</summary>
public sealed class ExecTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private (string Id, int Pid, Bundle Bundle) StartSleeper(Action<Bundle>? tweak = null)
    {
        string id = NewId();
        Bundle bundle = NewBundle(tweak ?? (_ => { }), "sleep", "600");
        Jaula.RunDetached(id, bundle).ShouldSucceed();
        return (id, Jaula.State(id).Pid, bundle);
    }

    private static string NamespaceOf(int pid, string ns) => new FileInfo($"/proc/{pid}/ns/{ns}").LinkTarget!;

    [Fact]
    public void Exec_runs_in_every_namespace_and_cgroup_of_the_init()
    {
        var (id, pid, _) = StartSleeper();
        string[] kinds = ["mnt", "pid", "net", "ipc", "uts"];

        string output = Jaula.Invoke(["exec", id, "sh", "-c", string.Join("; ", kinds.Select(k => $"readlink /proc/self/ns/{k}")) + "; cat /proc/self/cgroup"])
            .ShouldSucceed().Stdout;

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Take(kinds.Length).Should().Equal(kinds.Select(k => NamespaceOf(pid, k)));
        lines.Skip(kinds.Length).Should().Equal(File.ReadAllLines($"/proc/{pid}/cgroup"), "the exec'd process joins the init's cgroups");
    }

    [Fact]
    public void Everything_after_the_id_is_the_command_verbatim()
    {
        var (id, _, _) = StartSleeper();

        Jaula.Invoke("exec", id, "sh", "-c", "echo $((6*7))").ShouldSucceed().Stdout.Should().Be("42\n");
        Jaula.Invoke("exec", id, "ps", "-ef").ShouldSucceed().Stdout.Should().Contain("sleep 600").And.Contain("ps -ef");
        Jaula.Invoke("exec", id, "--", "echo", "--help").ShouldSucceed().Stdout.Should().Be("--help\n");
    }

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 7", 7)]
    [InlineData("kill -9 $$", 137)]
    public void Foreground_exec_returns_the_process_status(string script, int expected)
    {
        var (id, _, _) = StartSleeper();

        Jaula.Invoke("exec", id, "sh", "-c", script).ExitCode.Should().Be(expected);
    }

    [Fact]
    public void User_env_and_cwd_flags_override_the_containers_process()
    {
        var (id, _, _) = StartSleeper();

        string output = Jaula.Invoke("exec", "-u", "1000:1001", "-g", "5", "-e", "FOO=bar", "-e", "PATH=/bin", "--cwd", "/tmp", id,
            "sh", "-c", "id -u; id -g; id -G; echo $FOO $PATH; pwd").ShouldSucceed().Stdout;

        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("1000", "1001", "1001 5", "bar /bin", "/tmp");
    }

    [Fact]
    public void A_process_json_replaces_the_flags()
    {
        var (id, _, bundle) = StartSleeper();
        string processFile = Path.Join(bundle.Dir, "process.json");
        File.WriteAllText(processFile, new JsonObject
        {
            ["args"] = new JsonArray("sh", "-c", "echo $GREETING; pwd; id -u; grep CapEff /proc/self/status"),
            ["env"] = new JsonArray("PATH=/bin:/usr/bin", "GREETING=hi"),
            ["cwd"] = "/etc",
            ["user"] = new JsonObject { ["uid"] = 0, ["gid"] = 0 },
            ["capabilities"] = new JsonObject { ["bounding"] = new JsonArray("CAP_KILL"), ["effective"] = new JsonArray("CAP_KILL"), ["permitted"] = new JsonArray("CAP_KILL") },
        }.ToJsonString());

        string output = Jaula.Invoke("exec", "--process", processFile, id).ShouldSucceed().Stdout;

        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("hi", "/etc", "0", "CapEff:\t0000000000000020");
    }

    [Fact]
    public void Exec_cpu_affinity_final_is_the_exec_processes_affinity()
    {
        var (id, _, bundle) = StartSleeper();
        string processFile = Path.Join(bundle.Dir, "affinity.json");
        File.WriteAllText(processFile, new JsonObject
        {
            ["args"] = new JsonArray("grep", "Cpus_allowed_list", "/proc/self/status"),
            ["cwd"] = "/",
            ["execCPUAffinity"] = new JsonObject { ["initial"] = "0", ["final"] = "1" },
        }.ToJsonString());

        Jaula.Invoke("exec", "--process", processFile, id).ShouldSucceed().Stdout.Should().Be("Cpus_allowed_list:\t1\n");
    }

    [Fact]
    public void Exec_into_a_paused_container_is_refused_and_works_again_after_resume()
    {
        var (id, _, _) = StartSleeper();
        Jaula.Invoke("pause", id).ShouldSucceed();

        Jaula.Invoke("exec", id, "true").ShouldFailWith($"exec {id}", "paused", "--ignore-paused");

        Jaula.Invoke("resume", id).ShouldSucceed();
        Jaula.Invoke("exec", id, "true").ShouldSucceed();
    }

    [Fact]
    public void Detached_exec_returns_at_once_and_writes_the_pid_file()
    {
        var (id, initPid, bundle) = StartSleeper();
        string pidFile = Path.Join(bundle.Dir, "exec.pid");

        Jaula.Invoke("exec", "-d", "--pid-file", pidFile, id, "sleep", "321").ShouldSucceed();

        int pid = int.Parse(File.ReadAllText(pidFile));
        NamespaceOf(pid, "pid").Should().Be(NamespaceOf(initPid, "pid"));
        File.ReadAllText($"/proc/{pid}/cmdline").Should().Be("sleep\0321\0");
    }

    [Fact]
    public void Exec_into_a_container_with_a_user_namespace_works()
    {
        var (id, pid, _) = StartSleeper(b => b.MapRootTo(100000));

        string output = Jaula.Invoke("exec", id, "sh", "-c", "readlink /proc/self/ns/user; id -u; cat /proc/self/uid_map").ShouldSucceed().Stdout;

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be(NamespaceOf(pid, "user"));
        lines[1].Should().Be("0");
        lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries).Should().Equal("0", "100000", "65536");
    }

    [Fact]
    public void Exec_errors_name_the_container_and_the_cause()
    {
        string created = NewId();
        Jaula.Create(created, NewBundle("true")).ShouldSucceed();
        Jaula.Invoke("exec", created, "true").ShouldFailWith($"exec {created}", "created container");

        var (id, _, _) = StartSleeper();
        Jaula.Invoke("exec", id, "nosuchtool").ShouldFailWith($"exec {id}", "process.args[0]", "nosuchtool", "not found");
        Jaula.Invoke("exec", id).ShouldFailWith("exec needs a command");
        Jaula.Invoke("exec", "-u", "root", id, "true").ShouldFailWith("--user", "\"root\"");

        string stopped = NewId();
        Jaula.RunDetached(stopped, NewBundle("true")).ShouldSucceed();
        Jaula.Kill(stopped, "KILL");
        WaitUntil(() => Jaula.State(stopped).Status == "stopped");
        Jaula.Invoke("exec", stopped, "true").ShouldFailWith("cannot exec in a stopped container");

        Jaula.Invoke("exec", "it-nosuch-container", "true").ShouldFailWith("container does not exist");
    }

    [Fact]
    public void Exec_with_a_terminal_hands_the_pty_master_to_the_console_socket()
    {
        var (id, _, _) = StartSleeper();
        using var receiver = new ConsoleSocketReceiver();
        using RunningCommand exec = Jaula.Launch("exec", "-t", "--console-socket", receiver.Path, id, "sh");

        var (master, name) = receiver.Receive(TimeSpan.FromSeconds(20));
        using (master)
        {
            name.Should().Be("/dev/ptmx");
            master.Write("tty; echo $((6*7)); exit 3\n"u8);
            master.Flush();
            string seen = ReadUntilClosed(master);
            seen.Should().MatchRegex(@"/dev/pts/\d+").And.Contain("42");
        }
        exec.Wait(TimeSpan.FromSeconds(20)).ExitCode.Should().Be(3);
    }

    [Fact]
    public async Task A_container_terminal_is_its_console_and_goes_to_the_console_socket()
    {
        string id = NewId();
        using var receiver = new ConsoleSocketReceiver();
        Bundle bundle = NewBundle(b => b.Process["terminal"] = true, "sh", "-c", "tty; ls -l /dev/console; read line; echo got $line");
        Task<(FileStream, string)> receiving = Task.Run(() => receiver.Receive(TimeSpan.FromSeconds(20)));

        Jaula.Create(id, bundle, "--console-socket", receiver.Path).ShouldSucceed();
        var (master, _) = await receiving;
        using (master)
        {
            Jaula.Start(id).ShouldSucceed();
            master.Write("hello\n"u8);
            master.Flush();
            string seen = ReadUntilClosed(master);
            seen.Should().MatchRegex(@"/dev/pts/0").And.MatchRegex(@"c[-rwx]+ .* 136, +0 .*/dev/console").And.Contain("got hello");
        }
    }

    /// <summary>The init's terminal is the rootfs plan's Console operation: consoleSize is its size, the session its own.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the /dev/console bind and the ptmx of a devpts mounted in a user namespace
    public async Task A_container_terminal_has_the_console_size_and_leads_its_session(bool userNamespace)
    {
        string id = NewId();
        using var receiver = new ConsoleSocketReceiver();
        Bundle bundle = NewBundle(b =>
        {
            b.Process["terminal"] = true;
            b.Process["consoleSize"] = new JsonObject { ["height"] = 33, ["width"] = 111 };
            if (userNamespace)
                b.MapRootTo(100000);
        }, "sh", "-c", "stty size; echo sid=$(cut -d' ' -f6 /proc/self/stat) pid=$$; tty; ls -l /dev/console");
        Task<(FileStream, string)> receiving = Task.Run(() => receiver.Receive(TimeSpan.FromSeconds(20)));

        Jaula.Create(id, bundle, "--console-socket", receiver.Path).ShouldSucceed();
        var (master, _) = await receiving;
        using (master)
        {
            Jaula.Start(id).ShouldSucceed();
            string seen = ReadUntilClosed(master);
            seen.Should().Contain("33 111").And.Contain("sid=1 pid=1").And.MatchRegex(@"/dev/pts/0").And.MatchRegex(@"c[-rwx]+ .* 136, +0 .*/dev/console");
        }
    }

    [Fact]
    public void A_terminal_without_a_console_socket_is_refused_for_create_and_detached_exec()
    {
        string id = NewId();
        Jaula.Create(id, NewBundle(b => b.Process["terminal"] = true, "true"))
            .ShouldFailWith($"create {id}", "process.terminal", "--console-socket");

        var (running, _, _) = StartSleeper();
        Jaula.Invoke("exec", "-t", "-d", running, "true").ShouldFailWith("process.terminal", "--console-socket");
    }

    [Fact]
    public void A_console_socket_without_a_terminal_is_refused()
    {
        string id = NewId();

        Jaula.Create(id, NewBundle("true"), "--console-socket", "/tmp/jaula-it-no-socket")
            .ShouldFailWith($"create {id}", "--console-socket", "process.terminal");
    }

    [Fact]
    public void A_foreground_run_with_a_terminal_proxies_it_to_its_own_stdio()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Process["terminal"] = true, "sh", "-c", "tty; exit 5");

        using RunningCommand script = RunningCommand.Start("script", ["-qec", $"{Jaula.Binary} --root {Jaula.Root} run --bundle {bundle.Dir} {id}", "/dev/null"]);
        CommandResult result = script.Wait(TimeSpan.FromSeconds(30));

        result.ExitCode.Should().Be(5, "{0}", result);
        result.Stdout.Should().MatchRegex(@"/dev/pts/\d+");
    }

    [Fact]
    public async Task Pidfd_sockets_receive_a_pidfd_of_the_init_and_of_an_exec()
    {
        string id = NewId();
        using var forRun = new ConsoleSocketReceiver();
        Task<(FileStream, string)> receiving = Task.Run(() => forRun.Receive(TimeSpan.FromSeconds(20)));
        Jaula.RunDetached(id, NewBundle("sleep", "600"), "--pidfd-socket", forRun.Path).ShouldSucceed();
        var (initPidfd, name) = await receiving;
        using (initPidfd)
        {
            name.Should().Be("pidfd");
            PidOfPidfd(initPidfd).Should().Be(Jaula.State(id).Pid);
        }

        using var forExec = new ConsoleSocketReceiver();
        receiving = Task.Run(() => forExec.Receive(TimeSpan.FromSeconds(20)));
        string pidFile = Path.Join(forExec.Path + ".pid");
        Jaula.Invoke("exec", "-d", "--pid-file", pidFile, "--pidfd-socket", forExec.Path, id, "sleep", "300").ShouldSucceed();
        var (execPidfd, _) = await receiving;
        using (execPidfd)
            PidOfPidfd(execPidfd).Should().Be(int.Parse(File.ReadAllText(pidFile)));
        File.Delete(pidFile);
    }

    [Fact]
    public void Socket_activation_fds_are_passed_on_with_LISTEN_FDS_and_LISTEN_PID()
    {
        string id = NewId();
        Bundle bundle = NewBundle("sh", "-c", "echo $LISTEN_FDS $LISTEN_PID; cat <&3");
        string socketFile = Path.Join(bundle.Dir, "activation");
        File.WriteAllText(socketFile, "from fd 3\n");

        using RunningCommand run = RunningCommand.Start("sh", ["-c",
            $"exec 3<{socketFile}; LISTEN_FDS=1 exec {Jaula.Binary} --root {Jaula.Root} run --bundle {bundle.Dir} {id}"]);
        Jaula.Track(id);
        CommandResult result = run.Wait(TimeSpan.FromSeconds(30));

        result.ShouldSucceed().Stdout.Should().Be("1 1\nfrom fd 3\n");
    }

    private static int PidOfPidfd(FileStream pidfd) =>
        int.Parse(File.ReadAllLines($"/proc/self/fdinfo/{pidfd.SafeFileHandle.DangerousGetHandle()}")
            .Single(l => l.StartsWith("Pid:", StringComparison.Ordinal))[4..].Trim());

    /// <summary>All the pty gives until the process side closes (EIO) or 10 s pass.</summary>
    internal static string ReadUntilClosed(FileStream master)
    {
        var text = new System.Text.StringBuilder();
        var reading = Task.Run(() =>
        {
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = master.Read(buffer)) > 0)
                    lock (text)
                        text.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
            }
            catch (IOException) { } // EIO: every peer is closed
        });
        reading.Wait(TimeSpan.FromSeconds(10));
        lock (text)
            return text.ToString();
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("condition not met in 10 s");
            Thread.Sleep(20);
        }
    }
}
