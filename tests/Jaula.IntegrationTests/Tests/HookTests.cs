using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// config.md "POSIX-platform Hooks" and runtime.md's lifecycle: each kind runs once, in order, in its namespace,
/// reading the state of its moment on stdin; a failing hook fails the operation and removes the container (its
/// poststop hooks still run); a failing poststop hook only warns; a hook past its timeout is killed.
/// </summary>
public sealed class HookTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private static readonly string[] RuntimeKinds = ["prestart", "createRuntime", "createContainer", "poststart", "poststop"];

    /// <summary>Appends "kind mnt-namespace status" to $LOG; the status comes from the state JSON on stdin.</summary>
    private const string RecorderScript = """
        #!/bin/sh
        state=$(cat)
        status=$(echo "$state" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
        echo "$1 $(readlink /proc/self/ns/mnt) $status" >> "$LOG"
        """;

    [Fact]
    public void Every_kind_runs_once_in_order_in_its_namespace_with_the_status_of_its_moment()
    {
        using var host = new HostDirectory();
        string hostLog = Path.Combine(host.Path, "hooks.log");
        string id = NewId();
        Bundle bundle = NewBundle(b => AddAllHooks(b, host.Path, hostLog), "true");

        Jaula.Create(id, bundle).ShouldSucceed();
        string containerMnt = new FileInfo($"/proc/{Jaula.State(id).Pid}/ns/mnt").LinkTarget!;
        Jaula.Start(id).ShouldSucceed();
        Jaula.WaitForStatus(id, "stopped");
        Jaula.Delete(id).ShouldSucceed();

        string hostMnt = new FileInfo("/proc/self/ns/mnt").LinkTarget!;
        containerMnt.Should().NotBe(hostMnt);
        File.ReadAllLines(hostLog).Should().Equal(
            $"prestart {hostMnt} creating",
            $"createRuntime {hostMnt} creating",
            $"createContainer {containerMnt} creating",
            $"poststart {hostMnt} running",
            $"poststop {hostMnt} stopped");
        // startContainer's path resolves in the container and it runs there: its record is in the container's files.
        File.ReadAllLines(bundle.HostPath("/hooks.log")).Should().Equal($"startContainer {containerMnt} created");
    }

    [Fact]
    public void A_hook_gets_its_args_as_argv_and_exactly_its_env()
    {
        using var host = new HostDirectory();
        string output = Path.Combine(host.Path, "out");
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Config["hooks"] = new JsonObject
        {
            ["createRuntime"] = new JsonArray(Hook("/bin/sh", ["sh", "-c", $"echo \"$0|$1|$(env | grep -v ^PWD= | sort | tr '\\n' ' ')\" > {output}", "zero", "one"], ["A=1", "B=two"])),
        }, "true");

        Jaula.Create(id, bundle).ShouldSucceed();

        File.ReadAllText(output).Trim().Should().Be("zero|one|A=1 B=two");
    }

    /// <summary>Docker runs /proc/&lt;dockerd pid&gt;/exe as "libnetwork-setkey": the path and argv[0] differ.</summary>
    [Fact]
    public void A_prestart_hook_in_Dockers_form_runs_a_proc_exe_path_under_another_argv0_and_reads_the_init_pid()
    {
        using var host = new HostDirectory();
        using var busybox = RunningCommand.Start("/bin/busybox", ["sleep", "60"]);
        int busyboxPid = WaitForExec(busybox, "/bin/busybox");
        string output = Path.Combine(host.Path, "state.json");
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Config["hooks"] = new JsonObject
        {
            ["prestart"] = new JsonArray(Hook($"/proc/{busyboxPid}/exe", ["sh", "-c", $"cat > {output}"], ["PATH=/bin:/usr/bin"])),
        }, "true");

        Jaula.Create(id, bundle).ShouldSucceed();

        var state = JsonNode.Parse(File.ReadAllText(output))!.AsObject();
        ((string)state["status"]!).Should().Be("creating");
        ((int)state["pid"]!).Should().Be(Jaula.State(id).Pid);
        ((string)state["id"]!).Should().Be(id);
        ((string)state["bundle"]!).Should().Be(bundle.Dir);
        busybox.KillTree();
    }

    [Theory]
    [InlineData("prestart")]
    [InlineData("createRuntime")]
    [InlineData("createContainer")]
    public void A_failing_create_hook_fails_create_removes_the_container_and_runs_poststop(string kind)
    {
        using var host = new HostDirectory();
        string hostLog = Path.Combine(host.Path, "hooks.log");
        string id = NewId();
        Bundle bundle = NewBundle(b =>
        {
            AddAllHooks(b, host.Path, hostLog);
            b.Config["hooks"]![kind]!.AsArray().Insert(0, Hook("/bin/sh", ["sh", "-c", "echo broken-on-purpose >&2; exit 3"], []));
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, $"hooks.{kind}[0]", "status 3", "broken-on-purpose");

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
        string[] ran = File.Exists(hostLog) ? File.ReadAllLines(hostLog).Select(l => l.Split(' ')[0]).ToArray() : [];
        ran.Should().Equal(RuntimeKinds.TakeWhile(k => k != kind).Append("poststop"));
    }

    [Fact]
    public void A_failing_startContainer_hook_fails_start_and_removes_the_container()
    {
        using var host = new HostDirectory();
        string hostLog = Path.Combine(host.Path, "hooks.log");
        string id = NewId();
        Bundle bundle = NewBundle(b =>
        {
            AddAllHooks(b, host.Path, hostLog);
            b.Config["hooks"]!["startContainer"] = new JsonArray(Hook("/bin/sh", ["sh", "-c", "echo start-hook-says-no >&2; exit 5"], []));
        }, "sh", "-c", "touch /process-ran");

        Jaula.Create(id, bundle).ShouldSucceed();
        Jaula.Start(id).ShouldFailWith(id, "hooks.startContainer[0]", "status 5", "start-hook-says-no");

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
        File.Exists(bundle.HostPath("/process-ran")).Should().BeFalse("the process must not run when a startContainer hook fails");
        File.ReadAllLines(hostLog).Select(l => l.Split(' ')[0]).Should().Equal("prestart", "createRuntime", "createContainer", "poststop");
    }

    [Fact]
    public void A_failing_poststart_hook_fails_start_and_stops_and_removes_the_container()
    {
        using var host = new HostDirectory();
        string hostLog = Path.Combine(host.Path, "hooks.log");
        string id = NewId();
        Bundle bundle = NewBundle(b =>
        {
            AddAllHooks(b, host.Path, hostLog);
            b.Config["hooks"]!["poststart"]!.AsArray().Add(Hook("/bin/sh", ["sh", "-c", "echo poststart-failed >&2; exit 7"], []));
        }, "sleep", "300");

        Jaula.Create(id, bundle).ShouldSucceed();
        int pid = Jaula.State(id).Pid;
        Jaula.Start(id).ShouldFailWith(id, "hooks.poststart[1]", "status 7", "poststart-failed");

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
        Reaper.WaitUntilGone(pid, TimeSpan.FromSeconds(10)).Should().BeTrue("the container's process is stopped");
        File.ReadAllLines(hostLog).Select(l => l.Split(' ')[0]).Should().Equal("prestart", "createRuntime", "createContainer", "poststart", "poststop");
    }

    [Fact]
    public void A_failing_poststop_hook_only_warns_and_the_next_one_still_runs()
    {
        using var host = new HostDirectory();
        string hostLog = Path.Combine(host.Path, "hooks.log");
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Config["hooks"] = new JsonObject
        {
            ["poststop"] = new JsonArray(
                Hook("/bin/sh", ["sh", "-c", "echo cleanup-failed >&2; exit 9"], []),
                Hook(Recorder(host.Path), ["hook", "poststop"], [$"LOG={hostLog}"])),
        }, "true");

        Jaula.Create(id, bundle).ShouldSucceed();
        CommandResult deleted = Jaula.Delete(id).ShouldSucceed();

        deleted.Stderr.Should().Contain("hooks.poststop[0]").And.Contain("cleanup-failed");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
        File.ReadAllLines(hostLog).Select(l => l.Split(' ')[0]).Should().Equal("poststop");
    }

    [Fact]
    public void A_hook_past_its_timeout_is_killed_with_what_it_started_and_create_fails()
    {
        using var host = new HostDirectory();
        string childPidFile = Path.Combine(host.Path, "child.pid");
        string id = NewId();
        var hook = Hook("/bin/sh", ["sh", "-c", $"sleep 300 & echo $! > {childPidFile}; wait"], []);
        hook["timeout"] = 1;
        Bundle bundle = NewBundle(b => b.Config["hooks"] = new JsonObject { ["prestart"] = new JsonArray(hook) }, "true");

        var started = DateTime.UtcNow;
        Jaula.Create(id, bundle).ShouldFailWith(id, "hooks.prestart[0]", "timeout of 1 s", "killed");

        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(60), "the hook must not run its 300 s");
        int child = int.Parse(File.ReadAllText(childPidFile).Trim());
        Reaper.WaitUntilGone(child, TimeSpan.FromSeconds(10)).Should().BeTrue("the hook's own child is killed with it");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void A_missing_createContainer_hook_is_reported_naming_it()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Config["hooks"] = new JsonObject
        {
            ["createContainer"] = new JsonArray(Hook("/nonexistent/jaula-hook", [], [])),
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "hooks.createContainer[0]", "/nonexistent/jaula-hook", "No such file");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    /// <summary>
    /// prestart and createRuntime run in the parent while the init waits before pivot_root: a container whose only
    /// create hooks are those takes the C init (one thread, no .NET), which waits at the same point as the managed
    /// init. What each hook sees (the state on stdin, the namespace it runs in)
    /// and a failure's message and cleanup are the same on both routes.
    /// </summary>
    [Fact]
    public void Prestart_and_createRuntime_hooks_see_the_same_on_the_C_init_as_on_the_managed_one()
    {
        (string Seen, string Log, int Threads) Create(bool cInit)
        {
            using var host = new HostDirectory();
            string seen = Path.Combine(host.Path, "seen");
            string id = NewId();
            // The state on stdin and the mount namespace the hook ran in.
            string script = $"cat >> {seen}; echo \" $0 $(readlink /proc/self/ns/mnt)\" >> {seen}";
            using var bundle = NewBundle(b =>
            {
                b.UseInit(cInit);
                b.Config["hooks"] = new JsonObject
                {
                    ["prestart"] = new JsonArray(Hook("/bin/sh", ["sh", "-c", script, "prestart"], ["PATH=/bin:/usr/bin"])),
                    ["createRuntime"] = new JsonArray(Hook("/bin/sh", ["sh", "-c", script, "createRuntime"], ["PATH=/bin:/usr/bin"])),
                    ["poststart"] = new JsonArray(Hook("/bin/true", [], [])),
                };
            }, "sleep", "30");
            string log = Path.Combine(bundle.Dir, "debug.log");
            Jaula.Invoke("--debug", "--log", log, "create", "--bundle", bundle.Dir, id).ShouldSucceed();
            int pid = Jaula.State(id).Pid;
            int threads = int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim(),
                System.Globalization.CultureInfo.InvariantCulture);
            string text = File.ReadAllText(seen).Replace(id, "<id>").Replace(bundle.Dir, "<bundle>")
                .Replace($"\"pid\":{pid}", "\"pid\":<pid>");
            Jaula.Delete(id, force: true).ShouldSucceed();
            return (text, File.ReadAllText(log), threads);
        }

        var c = Create(true);
        var managed = Create(false);

        c.Log.Should().Contain("init: the C init");
        c.Threads.Should().Be(1, "no .NET runtime started in the C init");
        managed.Log.Should().Contain("init: the managed init");
        string hostMnt = new FileInfo("/proc/self/ns/mnt").LinkTarget!;
        c.Seen.Should().Contain("\"status\":\"creating\"").And.Contain("\"pid\":<pid>").And.Contain($"}} prestart {hostMnt}\n")
            .And.Contain($"}} createRuntime {hostMnt}\n");
        c.Seen.Should().Be(managed.Seen);
    }

    [Theory]
    [InlineData("prestart")]
    [InlineData("createRuntime")]
    public void A_failing_parent_hook_reads_and_cleans_up_the_same_on_both_inits(string kind)
    {
        string Fail(bool cInit)
        {
            using var host = new HostDirectory();
            string hostLog = Path.Combine(host.Path, "hooks.log");
            string id = NewId();
            using var bundle = NewBundle(b =>
            {
                b.UseInit(cInit);
                b.Config["hooks"] = new JsonObject
                {
                    [kind] = new JsonArray(Hook("/bin/sh", ["sh", "-c", "echo broken-on-purpose >&2; exit 3"], [])),
                    ["poststop"] = new JsonArray(Hook(Recorder(host.Path), ["hook.sh", "poststop"], [$"LOG={hostLog}", "PATH=/bin:/usr/bin"])),
                };
            }, "true");
            var result = Jaula.Create(id, bundle);
            result.ShouldFailWith(id, $"hooks.{kind}[0]", "status 3", "broken-on-purpose");
            Jaula.StateRaw(id).ShouldFailWith("container does not exist");
            File.ReadAllLines(hostLog).Select(l => l.Split(' ')[0]).Should().Equal("poststop");
            return result.Stderr.Replace(id, "<id>");
        }

        Fail(true).Should().Be(Fail(false));
    }

    /// <summary>
    /// Writes what a hook sees: its state on stdin, namespace, umask, cwd, open fds, env, signals, group. /proc/self
    /// (not $$): before pivot_root /proc is the host's, and the hook's pid is its pid in the container.
    /// </summary>
    private const string ObserverScript = """
        #!/bin/sh
        out=$1
        state=$(cat)
        {
          echo "== $2"
          echo "$state"
          echo "mnt=$(readlink /proc/self/ns/mnt) umask=$(umask) cwd=$(pwd)"
          echo "fds=$(ls /proc/self/fd | sort -n | tr '\n' ' ')"
          echo "env=$(env | grep -v -e ^PWD= -e ^SHLVL= -e ^_= | sort | tr '\n' ' ')"
          grep -E '^(SigBlk|SigIgn)' /proc/self/status | tr '\n' ' '
          echo
          read -r stat < /proc/self/stat
          set -- $stat
          if [ "$1" = "$5" ]; then echo "group leader"; else echo "not a group leader"; fi
        } >> "$out"
        """;

    /// <summary>
    /// createContainer and startContainer hooks run in the init: in the C init (one thread, no .NET) as in the managed
    /// one, they see the same thing — the state on stdin, the container's mount namespace, the umask, the working
    /// directory, only stdio (and the executable as fd 3 for createContainer), the environment, no signal blocked
    /// or ignored, a process group of their own.
    /// </summary>
    [Fact]
    public void Init_hooks_see_the_same_on_the_C_init_as_on_the_managed_one()
    {
        (string Create, string Start, string Log, int Threads) Observe(bool cInit)
        {
            using var host = new HostDirectory();
            string observer = Path.Combine(host.Path, "observe.sh");
            File.WriteAllText(observer, ObserverScript.Replace("\r", "") + "\n");
            File.SetUnixFileMode(observer, (UnixFileMode)Convert.ToInt32("755", 8));
            string createOut = Path.Combine(host.Path, "create.out");
            string id = NewId();
            using var bundle = NewBundle(b =>
            {
                b.UseInit(cInit);
                File.Copy(observer, b.HostPath("/observe.sh"), overwrite: true);
                b.Config["hooks"] = new JsonObject
                {
                    ["createContainer"] = new JsonArray(
                        Hook(observer, ["observe.sh", createOut, "createContainer0"], ["PATH=/bin:/usr/bin"]),
                        Hook(observer, ["observe.sh", createOut, "createContainer1"], [])),
                    ["startContainer"] = new JsonArray(Hook("/observe.sh", ["observe.sh", "/start.out", "startContainer"], ["PATH=/bin"])),
                };
            }, "true");
            string log = Path.Combine(bundle.Dir, "debug.log");
            Jaula.Invoke("--debug", "--log", log, "create", "--bundle", bundle.Dir, id).ShouldSucceed();
            int pid = Jaula.State(id).Pid;
            int threads = int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim(),
                System.Globalization.CultureInfo.InvariantCulture);
            string mnt = new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget!;
            Jaula.Start(id).ShouldSucceed();
            Jaula.WaitForStatus(id, "stopped");
            Jaula.Delete(id).ShouldSucceed();
            string Normal(string text) => text.Replace(id, "<id>").Replace(bundle.Dir, "<bundle>").Replace(host.Path, "<host>")
                .Replace($"\"pid\":{pid}", "\"pid\":<pid>").Replace(mnt, "<container mnt>")
                .Pipe(t => System.Text.RegularExpressions.Regex.Replace(t, "jaula-it-cmd-[A-Za-z0-9]+", "<jaula's cwd>"));
            return (Normal(File.ReadAllText(createOut)), Normal(File.ReadAllText(bundle.HostPath("/start.out"))), File.ReadAllText(log), threads);
        }

        var c = Observe(true);
        var managed = Observe(false);

        c.Log.Should().Contain("init: the C init");
        c.Threads.Should().Be(1, "no .NET runtime started in the C init");
        managed.Log.Should().Contain("init: the managed init");
        c.Create.Should().Contain("\"status\":\"creating\"").And.Contain("\"pid\":<pid>").And.Contain("mnt=<container mnt> umask=0022")
            .And.Contain("fds=0 1 2 3 ").And.Contain("group leader").And.Contain("SigBlk:\t0000000000000000");
        c.Start.Should().Contain("\"status\":\"created\"").And.Contain("mnt=<container mnt>").And.Contain("fds=0 1 2 ");
        // One difference, the C init's for the better: glibc's posix_spawn leaves its two reserved signals (32, 33)
        // ignored in the managed init's hooks; the C init's clone child resets every signal.
        c.Create.Should().Contain("SigIgn:\t0000000000000000");
        c.Start.Should().Contain("SigIgn:\t0000000000000000");
        string NoIgnored(string t) => System.Text.RegularExpressions.Regex.Replace(t, "SigIgn:\t[0-9a-f]+", "SigIgn:<x>");
        NoIgnored(c.Create).Should().Be(NoIgnored(managed.Create));
        NoIgnored(c.Start).Should().Be(NoIgnored(managed.Start));
    }

    public static TheoryData<string, string> InitHookFailures => new()
    {
        { "createContainer", "echo create-says-no >&2; exit 3" },
        { "createContainer", "echo only-stdout; kill -TERM $$" },
        { "createContainer", "timeout" },
        { "startContainer", "echo start-says-no >&2; exit 5" },
        { "startContainer", "missing" },
    };

    /// <summary>A failing init hook's message, and what is left after it, are the same on both routes.</summary>
    [Theory]
    [MemberData(nameof(InitHookFailures))]
    public void A_failing_init_hook_reads_and_cleans_up_the_same_on_both_inits(string kind, string script)
    {
        string Fail(bool cInit)
        {
            using var host = new HostDirectory();
            string hostLog = Path.Combine(host.Path, "hooks.log");
            string childPidFile = Path.Combine(host.Path, "child.pid");
            string id = NewId();
            var hook = script switch
            {
                "missing" => Hook("/no/such/hook", [], []),
                "timeout" => Hook("/bin/sh", ["sh", "-c", $"sleep 300 & echo $! > {childPidFile}; wait"], []),
                _ => Hook("/bin/sh", ["sh", "-c", script], []),
            };
            if (script == "timeout")
                hook["timeout"] = 1;
            using var bundle = NewBundle(b =>
            {
                b.UseInit(cInit);
                b.Config["hooks"] = new JsonObject
                {
                    [kind] = new JsonArray(hook),
                    ["poststop"] = new JsonArray(Hook(Recorder(host.Path), ["hook.sh", "poststop"], [$"LOG={hostLog}", "PATH=/bin:/usr/bin"])),
                };
            }, "sh", "-c", "touch /process-ran");
            var result = Jaula.Create(id, bundle);
            if (kind == "startContainer")
            {
                result.ShouldSucceed();
                result = Jaula.Start(id);
            }
            result.ShouldFailWith(id, $"hooks.{kind}[0]");
            Jaula.StateRaw(id).ShouldFailWith("container does not exist");
            File.Exists(bundle.HostPath("/process-ran")).Should().BeFalse();
            File.ReadAllLines(hostLog).Select(l => l.Split(' ')[0]).Should().Equal("poststop");
            if (script == "timeout")
                File.Exists(childPidFile).Should().BeTrue("the hook ran until its timeout");
            return result.Stderr.Replace(id, "<id>");
        }

        string c = Fail(true);
        c.Should().Be(Fail(false));
    }

    /// <summary>
    /// A recorder for every kind, writing to <paramref name="hostLog"/>; startContainer's is a copy inside the rootfs
    /// (its path resolves in the container) and writes /hooks.log there.
    /// </summary>
    private static void AddAllHooks(Bundle bundle, string hostDir, string hostLog)
    {
        string recorder = Recorder(hostDir);
        File.Copy(recorder, bundle.HostPath("/hook.sh"), overwrite: true);
        var hooks = new JsonObject();
        foreach (string kind in RuntimeKinds)
        {
            hooks[kind] = new JsonArray(Hook(recorder, ["hook.sh", kind], [$"LOG={hostLog}", "PATH=/bin:/usr/bin"]));
        }
        hooks["startContainer"] = new JsonArray(Hook("/hook.sh", ["hook.sh", "startContainer"], ["LOG=/hooks.log", "PATH=/bin"]));
        bundle.Config["hooks"] = hooks;
    }

    private static string Recorder(string hostDir)
    {
        string path = Path.Combine(hostDir, "hook.sh");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, RecorderScript.Replace("\r", "") + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        return path;
    }

    private static JsonObject Hook(string path, string[] args, string[] env)
    {
        var hook = new JsonObject { ["path"] = path };
        if (args.Length > 0)
        {
            hook["args"] = new JsonArray(args.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        }
        hook["env"] = new JsonArray(env.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray());
        return hook;
    }

    /// <summary>The pid of the command once its wrapper shell has exec'd it.</summary>
    private static int WaitForExec(RunningCommand command, string image)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!File.ReadAllText($"/proc/{command.Pid}/cmdline").StartsWith(image + "\0", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"{image} did not start");
            }
            Thread.Sleep(20);
        }
        return command.Pid;
    }
}

internal static class HookTestText
{
    public static string Pipe(this string text, Func<string, string> f) => f(text);
}
