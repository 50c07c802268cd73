using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// The init's final phase in C (native/final_phase.c): strict seccomp profiles that allow only what the process
/// needs, plus the credential switch, run the container; .NET never runs under the filter.
/// </summary>
public sealed class FinalPhaseTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    /// <summary>
    /// What busybox `sh -c 'echo ok > file'` calls in the container (strace -f of `jaula run`, as uid 0 and 1000:
    /// as pid 1 it asks getcwd, as a user it checks and drops set-id privileges), and exit.
    /// </summary>
    private static readonly string[] ProcessNeeds =
    [
        "write", "close", "mprotect", "brk", "rt_sigaction", "dup2", "getpid", "execve", "uname", "fcntl", "readlink",
        "getuid", "getppid", "prctl", "arch_prctl", "set_tid_address", "openat", "newfstatat", "set_robust_list",
        "prlimit64", "getrandom", "rseq", "exit_group", "exit", "getcwd", "getgid", "getegid", "geteuid", "setgid", "setuid",
    ];

    /// <summary>The credential switch the final phase makes after the filter when noNewPrivileges is false.</summary>
    private static readonly string[] CredentialSwitch = ["setgroups", "setresgid", "setresuid", "capget", "capset", "prctl"];

    [Theory]
    [InlineData(true, 0)]
    [InlineData(true, 1000)]
    [InlineData(false, 0)]
    [InlineData(false, 1000)]
    public void A_strict_profile_runs_the_process_after_create_and_start(bool noNewPrivileges, int uid)
    {
        string id = NewId();
        var bundle = NewBundle(b =>
        {
            b.Process["noNewPrivileges"] = noNewPrivileges;
            b.Process["user"] = new JsonObject { ["uid"] = uid, ["gid"] = uid };
            Strict(b, "SCMP_ACT_ERRNO");
        }, "sh", "-c", "echo ok > /tmp/out");
        File.SetUnixFileMode(bundle.HostPath("/tmp"), (UnixFileMode)0x3FF); // 01777 for uid 1000

        Jaula.Create(id, bundle).ShouldSucceed();
        Thread.Sleep(2000); // the init waits on the fifo with its runtime threads alive
        Jaula.Start(id).ShouldSucceed();

        WaitForFile(bundle.HostPath("/tmp/out")).Should().Be("ok\n");
    }

    [Theory]
    [InlineData("clone3")]
    [InlineData("close_range")]
    [InlineData("getcwd")]
    [InlineData("futex")]
    public void A_profile_refusing_a_runtime_syscall_does_not_affect_jaula(string syscall)
    {
        var result = RunScript("echo ok", b => b.Linux["seccomp"] = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["syscalls"] = new JsonArray(Rule([syscall], "SCMP_ACT_ERRNO", 1)),
        });

        result.ShouldSucceed();
        result.Stdout.Should().Be("ok\n");
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 1000)]
    public void Kill_process_as_the_default_action_runs_an_allowed_process(bool noNewPrivileges, int uid)
    {
        var result = Jaula.Run(NewId(), NewBundle(b =>
        {
            b.Process["noNewPrivileges"] = noNewPrivileges;
            b.Process["user"] = new JsonObject { ["uid"] = uid, ["gid"] = uid };
            Strict(b, "SCMP_ACT_KILL_PROCESS");
        }, "sh", "-c", "echo ok"));

        result.ShouldSucceed();
        result.Stdout.Should().Be("ok\n");
    }

    [Fact]
    public void Exec_into_a_container_with_a_strict_profile_runs()
    {
        string id = NewId();
        var bundle = NewBundle(b => Strict(b, "SCMP_ACT_ERRNO", "nanosleep", "clock_nanosleep"), "sleep", "60");
        Jaula.RunDetached(id, bundle).ShouldSucceed();

        var result = Jaula.Invoke("exec", id, "sh", "-c", "echo ok");

        result.ShouldSucceed();
        result.Stdout.Should().Be("ok\n");
    }

    [Fact]
    public void A_missing_executable_under_a_strict_profile_exits_127_with_a_readable_line()
    {
        string id = NewId();
        // The script exists at create; its interpreter does not: execve itself says ENOENT, after the filter.
        var bundle = NewBundle(b => Strict(b, "SCMP_ACT_ERRNO"), "/bin/broken");
        File.WriteAllText(bundle.HostPath("/bin/broken"), "#!/no/such/interpreter\n");
        File.SetUnixFileMode(bundle.HostPath("/bin/broken"), (UnixFileMode)0x1ED); // 0755

        var result = Jaula.Run(id, bundle);

        result.ExitCode.Should().Be(127, "{0}", result);
        result.Stderr.Should().Contain($"container {id}: process.args[0]: execve /bin/broken: No such file or directory");
        result.Stderr.Should().NotContain("Unhandled exception");
    }

    /// <summary>
    /// What the final phase calls after a notifying filter (docs/ARCHITECTURE.md, "After the filter"): the listener
    /// and READY frames (write), HAND_OVER (read), the exec fifo (openat, write), the signal mask, execve.
    /// </summary>
    private static readonly string[] AfterNotifyingFilter = ["write", "read", "openat", "rt_sigprocmask", "execve"];

    private const int SysMkdir = 83; // x86_64

    /// <summary>
    /// A strict profile with one notifying rule (mkdir): it denies mmap, futex and clone3, so the .NET runtime would die
    /// under it; the filter is loaded at create, and the agent gets the fd then and answers the mkdir after start.
    /// </summary>
    [Theory]
    [InlineData(true, 0)]
    [InlineData(true, 1000)]
    [InlineData(false, 0)]
    [InlineData(false, 1000)]
    public void A_strict_notifying_profile_runs_the_process_after_create_and_start(bool noNewPrivileges, int uid)
    {
        using var agent = new SeccompAgentListener(answerErrno: 117); // EUCLEAN
        string id = NewId();
        var bundle = NewBundle(b =>
        {
            b.Process["noNewPrivileges"] = noNewPrivileges;
            b.Process["user"] = new JsonObject { ["uid"] = uid, ["gid"] = uid };
            StrictNotify(b, agent.Path);
        }, "sh", "-c", "mkdir /tmp/notified; echo rc=$? > /tmp/out");
        File.SetUnixFileMode(bundle.HostPath("/tmp"), (UnixFileMode)0x3FF); // 01777 for uid 1000

        Jaula.Create(id, bundle).ShouldSucceed();
        var init = Jaula.State(id).Pid;
        File.ReadAllText($"/proc/{init}/status").Should().Contain("Seccomp:\t2", "the filter is loaded at create");
        Thread.Sleep(2000); // the init waits on the fifo under the filter, its runtime threads alive
        Jaula.Start(id).ShouldSucceed();

        WaitForFile(bundle.HostPath("/tmp/out")).Should().Be("rc=1\n");
        var seen = agent.Wait();
        seen.Syscall.Should().Be(SysMkdir);
        ((string?)JsonNode.Parse(seen.StateJson)!["state"]!["id"]).Should().Be(id);
        Directory.Exists(bundle.HostPath("/tmp/notified")).Should().BeFalse("the agent answered the mkdir with an error");
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 1000)]
    public void Exec_with_a_strict_notifying_profile_hands_its_own_listener_to_the_agent(bool noNewPrivileges, int uid)
    {
        using var agent = new SeccompAgentListener(answerErrno: 117, connections: 2);
        string id = NewId();
        var bundle = NewBundle(b =>
        {
            b.Process["noNewPrivileges"] = noNewPrivileges;
            b.Process["user"] = new JsonObject { ["uid"] = uid, ["gid"] = uid };
            StrictNotify(b, agent.Path, "nanosleep", "clock_nanosleep");
        }, "sh", "-c", "mkdir /tmp/first; exec sleep 60");
        Jaula.RunDetached(id, bundle).ShouldSucceed();

        var result = Jaula.Invoke("exec", id, "sh", "-c", "mkdir /tmp/second; echo rc=$?");

        result.ShouldSucceed();
        result.Stdout.Should().Be("rc=1\n");
        result.Stderr.Should().Contain("Structure needs cleaning");
        var seen = agent.WaitAll();
        seen.Select(s => s.Syscall).Should().Equal(SysMkdir, SysMkdir);
        var states = seen.Select(s => JsonNode.Parse(s.StateJson)!).ToList();
        states.Select(s => (string?)s["state"]!["id"]).Should().Equal(id, id);
        states.Select(s => (string?)s["state"]!["status"]).Should().Equal(["creating", "running"], "the exec's agent is told the container runs");
        int initPid = Jaula.State(id).Pid;
        ((int)states[1]["state"]!["pid"]!).Should().Be(initPid, "state.pid is the container's init");
        ((int)states[1]["pid"]!).Should().NotBe(initPid, "the process state's pid is the exec'd process");
    }

    [Fact]
    public void A_notifying_profile_without_a_process_loads_no_filter()
    {
        using var agent = new SeccompAgentListener(answerErrno: 117);
        string id = NewId();
        var bundle = NewBundle(b =>
        {
            StrictNotify(b, agent.Path);
            b.Config.Remove("process");
        });

        Jaula.Create(id, bundle).ShouldSucceed();

        File.ReadAllText($"/proc/{Jaula.State(id).Pid}/status").Should().Contain("Seccomp:\t0");
        Jaula.Start(id).ShouldFailWith(id, "process");
        Jaula.Delete(id).ShouldSucceed();
    }

    /// <summary>
    /// The hooks run at start on a thread of the init's own that the filter (loaded at create) does not bind: the
    /// hook's mkdir is not notified, the process's is; the hook runs as root before the process's user switch.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void StartContainer_hooks_run_unfiltered_with_a_strict_notifying_profile(bool noNewPrivileges)
    {
        using var agent = new SeccompAgentListener(answerErrno: 117);
        string id = NewId();
        var bundle = NewBundle(b =>
        {
            b.Process["noNewPrivileges"] = noNewPrivileges;
            b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
            StrictNotify(b, agent.Path);
            b.Config["hooks"] = new JsonObject
            {
                ["startContainer"] = new JsonArray(StartHook("mkdir /tmp/hook-dir && id -u > /tmp/hook-dir/uid")),
            };
        }, "sh", "-c", "mkdir /tmp/notified; echo rc=$? > /tmp/out");
        File.SetUnixFileMode(bundle.HostPath("/tmp"), (UnixFileMode)0x3FF);

        Jaula.Create(id, bundle).ShouldSucceed();
        Thread.Sleep(1000);
        Jaula.Start(id).ShouldSucceed();

        WaitForFile(bundle.HostPath("/tmp/out")).Should().Be("rc=1\n");
        File.ReadAllText(bundle.HostPath("/tmp/hook-dir/uid")).Should().Be("0\n");
        agent.Wait().Syscall.Should().Be(SysMkdir);
    }

    [Fact]
    public void A_failing_startContainer_hook_with_a_notifying_profile_fails_start_and_runs_nothing()
    {
        using var agent = new SeccompAgentListener(answerErrno: 117);
        string id = NewId();
        var bundle = NewBundle(b =>
        {
            StrictNotify(b, agent.Path);
            b.Config["hooks"] = new JsonObject
            {
                ["startContainer"] = new JsonArray(StartHook("echo hook-says-no >&2; exit 3")),
            };
        }, "sh", "-c", "echo ran > /tmp/out");

        Jaula.Create(id, bundle).ShouldSucceed();
        Jaula.Start(id).ShouldFailWith(id, "hooks.startContainer[0]", "status 3", "hook-says-no");

        Thread.Sleep(500);
        File.Exists(bundle.HostPath("/tmp/out")).Should().BeFalse();
    }

    private static JsonObject StartHook(string script) => new()
    {
        ["path"] = "/bin/sh",
        ["args"] = new JsonArray("sh", "-c", script),
        ["env"] = new JsonArray("PATH=/bin:/usr/bin"),
    };

    private static void StrictNotify(Bundle bundle, string listenerPath, params string[] more)
    {
        // The shell forks mkdir (clone, then wait4 and the SIGCHLD handler's rt_sigreturn); clone3 stays denied.
        Strict(bundle, "SCMP_ACT_ERRNO", [.. AfterNotifyingFilter, "clone", "wait4", "rt_sigreturn", .. more]);
        var seccomp = bundle.Linux["seccomp"]!.AsObject();
        seccomp["syscalls"]!.AsArray().Add(Rule(["mkdir"], "SCMP_ACT_NOTIFY"));
        seccomp["listenerPath"] = listenerPath;
    }

    private static void Strict(Bundle bundle, string defaultAction, params string[] more)
    {
        var seccomp = new JsonObject
        {
            ["defaultAction"] = defaultAction,
            ["syscalls"] = new JsonArray(Rule([.. ProcessNeeds, .. CredentialSwitch, .. more], "SCMP_ACT_ALLOW")),
        };
        if (defaultAction == "SCMP_ACT_ERRNO")
            seccomp["defaultErrnoRet"] = 1;
        bundle.Linux["seccomp"] = seccomp;
    }

    private static JsonObject Rule(string[] names, string action, int? errno = null)
    {
        var rule = new JsonObject { ["names"] = new JsonArray(names.Distinct().Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()), ["action"] = action };
        if (errno is not null)
            rule["errnoRet"] = errno;
        return rule;
    }
}
