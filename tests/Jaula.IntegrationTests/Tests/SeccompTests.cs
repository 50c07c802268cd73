using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>linux.seccomp: each action and operator observed from inside the container.</summary>
public sealed class SeccompTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private const int SysMkdir = 83; // x86_64

    [Theory]
    [InlineData(1, "Operation not permitted")]
    [InlineData(38, "Function not implemented")]
    public void A_blocked_syscall_returns_the_configured_errno(int errno, string text)
    {
        var result = RunScript("mkdir /tmp/blocked; echo rc=$?", b => SetSeccomp(b, Allow(), Rule(["mkdir", "mkdirat"], "SCMP_ACT_ERRNO", errno)));

        result.ShouldSucceed();
        result.Stdout.Should().Contain("rc=1");
        result.Stderr.Should().Contain(text);
    }

    [Fact]
    public void The_filter_also_binds_a_process_without_no_new_privileges_running_as_another_user()
    {
        var result = RunScript("mkdir /tmp/blocked; echo rc=$?; id -u", b =>
        {
            b.Process["noNewPrivileges"] = false;
            b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
            SetSeccomp(b, Allow(), Rule(["mkdir", "mkdirat"], "SCMP_ACT_ERRNO", 38));
        });

        result.ShouldSucceed();
        result.Stdout.Should().Contain("rc=1").And.Contain("1000");
        result.Stderr.Should().Contain("Function not implemented");
    }

    [Fact]
    public void The_default_errno_applies_to_syscalls_no_rule_allows()
    {
        // Everything busybox needs to start and print is allowed; mkdir falls to the default.
        string[] allowed =
        [
            "execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "readlink",
            "mprotect", "getuid", "geteuid", "getgid", "getegid", "getpid", "getppid", "uname", "write", "exit_group",
            "rt_sigaction", "rt_sigprocmask", "ioctl", "fstat", "newfstatat", "stat", "lstat", "open", "openat", "read",
            "close", "mmap", "munmap", "fcntl", "dup2", "getcwd", "lseek", "access", "getrandom", "umask", "chmod",
        ];
        var result = Jaula.Run(NewId(), NewBundle(b => SetSeccomp(b, Seccomp("SCMP_ACT_ERRNO", 95), Rule(allowed, "SCMP_ACT_ALLOW")),
            "mkdir", "/tmp/blocked"));

        result.ExitCode.Should().Be(1, "{0}", result);
        result.Stderr.Should().Contain("Operation not supported"); // EOPNOTSUPP = 95
    }

    [Theory]
    [InlineData("SCMP_ACT_KILL")]
    [InlineData("SCMP_ACT_KILL_THREAD")]
    [InlineData("SCMP_ACT_KILL_PROCESS")]
    public void A_killing_action_ends_the_process_with_SIGSYS(string action)
    {
        var result = Jaula.Run(NewId(), NewBundle(b => SetSeccomp(b, Allow(), Rule(["mkdir", "mkdirat"], action)), "mkdir", "/tmp/killed"));

        result.ExitCode.Should().Be(128 + 31, "SIGSYS is signal 31: {0}", result);
    }

    [Fact]
    public void Trap_delivers_SIGSYS_to_the_process()
    {
        var result = Jaula.Run(NewId(), NewBundle(b => SetSeccomp(b, Allow(), Rule(["mkdir", "mkdirat"], "SCMP_ACT_TRAP")), "mkdir", "/tmp/trapped"));

        result.ExitCode.Should().Be(128 + 31, "an unhandled SIGSYS kills: {0}", result);
    }

    /// <summary>kill(2)'s second argument is the signal: harmless ones are sent to the shell itself.</summary>
    [Theory]
    [InlineData("SCMP_CMP_EQ", 18, 0, "18", "0 17 23 28")]
    [InlineData("SCMP_CMP_NE", 18, 0, "0 17 23 28", "18")]
    [InlineData("SCMP_CMP_LT", 18, 0, "0 17", "18 23 28")]
    [InlineData("SCMP_CMP_LE", 18, 0, "0 17 18", "23 28")]
    [InlineData("SCMP_CMP_GT", 18, 0, "23 28", "0 17 18")]
    [InlineData("SCMP_CMP_GE", 18, 0, "18 23 28", "0 17")]
    [InlineData("SCMP_CMP_MASKED_EQ", 3, 1, "17", "0 18 23 28")] // signal & 3 == 1
    public void Argument_operators_select_the_calls_they_match(string op, int value, int valueTwo, string blocked, string allowed)
    {
        var arg = new JsonObject { ["index"] = 1, ["value"] = value, ["op"] = op };
        if (op == "SCMP_CMP_MASKED_EQ")
            arg["valueTwo"] = valueTwo;
        var rule = Rule(["kill"], "SCMP_ACT_ERRNO", 1);
        rule["args"] = new JsonArray(arg);

        var result = RunScript("for s in 0 17 18 23 28; do kill -$s $$ 2>/dev/null; echo \"$s=$?\"; done", b => SetSeccomp(b, Allow(), rule));

        result.ShouldSucceed();
        foreach (string s in blocked.Split(' '))
            result.Stdout.Should().Contain($"{s}=1", "kill -{0} matches {1} {2}", s, op, value);
        foreach (string s in allowed.Split(' '))
            result.Stdout.Should().Contain($"{s}=0", "kill -{0} does not match {1} {2}", s, op, value);
    }

    [Fact]
    public void Two_comparisons_of_one_argument_match_either_as_runc_does()
    {
        var rule = Rule(["kill"], "SCMP_ACT_ERRNO", 1);
        rule["args"] = new JsonArray(
            new JsonObject { ["index"] = 1, ["value"] = 17, ["op"] = "SCMP_CMP_EQ" },
            new JsonObject { ["index"] = 1, ["value"] = 28, ["op"] = "SCMP_CMP_EQ" });

        var result = RunScript("for s in 0 17 18 28; do kill -$s $$ 2>/dev/null; echo \"$s=$?\"; done", b => SetSeccomp(b, Allow(), rule));

        result.ShouldSucceed();
        result.Stdout.Should().Contain("0=0").And.Contain("17=1").And.Contain("18=0").And.Contain("28=1");
    }

    [Fact]
    public void Log_lets_the_call_through_and_the_kernel_records_it()
    {
        // Lines carry a timestamp, so new ones are those not seen before: the ring buffer drops old lines when full, so
        // counting them would not do.
        var before = AuditLines().ToHashSet();

        var result = RunScript("mkdir /tmp/logged && echo made", b => SetSeccomp(b, Allow(), Rule(["mkdir"], "SCMP_ACT_LOG")));

        result.ShouldSucceed();
        result.Stdout.Should().Contain("made");
        AuditLines().Where(l => !before.Contains(l)).Should().Contain(l => l.Contains($"syscall={SysMkdir} ") && l.Contains("code=0x7ffc0000"),
            "SCMP_ACT_LOG is written to the kernel log");
    }

    [Fact]
    public void Notify_hands_the_listener_and_the_state_to_the_agent_which_answers()
    {
        using var agent = new SeccompAgentListener(answerErrno: 117); // EUCLEAN
        string id = NewId();
        var bundle = NewBundle(b =>
        {
            var seccomp = SetSeccomp(b, Allow(), Rule(["mkdir"], "SCMP_ACT_NOTIFY"));
            seccomp["listenerPath"] = agent.Path;
            seccomp["listenerMetadata"] = "it-metadata";
        }, "sh", "-c", "mkdir /tmp/notified; echo rc=$?");

        var result = Jaula.Run(id, bundle);
        var seen = agent.Wait();

        result.ShouldSucceed();
        result.Stdout.Should().Contain("rc=1");
        result.Stderr.Should().Contain("Structure needs cleaning");
        seen.Syscall.Should().Be(SysMkdir);
        var state = JsonNode.Parse(seen.StateJson)!;
        ((string?)state["metadata"]).Should().Be("it-metadata");
        state["fds"]!.AsArray().Select(f => (string?)f).Should().Equal("seccompFd");
        ((int)state["pid"]!).Should().BePositive();
        ((string?)state["state"]!["id"]).Should().Be(id);
        ((string?)state["state"]!["status"]).Should().Be("creating");
        ((string?)state["state"]!["bundle"]).Should().Be(bundle.Dir);
    }

    [Fact]
    public void Notify_without_a_listener_path_is_refused_naming_the_field()
    {
        string id = NewId();
        var bundle = NewBundle(b => SetSeccomp(b, Allow(), Rule(["mkdir"], "SCMP_ACT_NOTIFY")), "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.seccomp.listenerPath");
    }

    [Fact]
    public void An_unreachable_listener_path_fails_create_naming_the_field()
    {
        string id = NewId();
        var bundle = NewBundle(b =>
        {
            var seccomp = SetSeccomp(b, Allow(), Rule(["mkdir"], "SCMP_ACT_NOTIFY"));
            seccomp["listenerPath"] = "/tmp/jaula-it-no-agent-" + Guid.NewGuid().ToString("N");
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.seccomp.listenerPath");
    }

    [Fact]
    public void An_unknown_action_is_refused_naming_the_field()
    {
        string id = NewId();
        var bundle = NewBundle(b => SetSeccomp(b, Allow(), Rule(["mkdir"], "SCMP_ACT_NOTIFY")), "true");
        bundle.Linux["seccomp"]!["syscalls"]![0]!["action"] = "SCMP_ACT_EXPLODE";
        bundle.Save();

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.seccomp.syscalls[0].action", "SCMP_ACT_EXPLODE");
    }

    [Fact]
    public void An_unknown_operator_is_refused_naming_the_field()
    {
        string id = NewId();
        var rule = Rule(["kill"], "SCMP_ACT_ERRNO");
        rule["args"] = new JsonArray(new JsonObject { ["index"] = 1, ["value"] = 0, ["op"] = "SCMP_CMP_SOMETIMES" });
        var bundle = NewBundle(b => SetSeccomp(b, Allow(), rule), "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.seccomp.syscalls[0].args[0].op", "SCMP_CMP_SOMETIMES");
    }

    [Fact]
    public void Unknown_syscall_names_are_skipped_and_known_ones_still_apply()
    {
        var result = RunScript("mkdir /tmp/blocked; echo rc=$?",
            b => SetSeccomp(b, Allow(), Rule(["no_such_syscall_at_all", "mkdir", "mkdirat"], "SCMP_ACT_ERRNO", 38)));

        result.ShouldSucceed();
        result.Stdout.Should().Contain("rc=1");
    }

    [Fact]
    public void An_architecture_list_with_the_x86_siblings_and_the_flags_is_accepted()
    {
        var result = RunScript("mkdir /tmp/blocked; echo rc=$?", b =>
        {
            var seccomp = SetSeccomp(b, Allow(), Rule(["mkdir", "mkdirat"], "SCMP_ACT_ERRNO", 1));
            seccomp["architectures"] = new JsonArray("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
            seccomp["flags"] = new JsonArray("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC");
        });

        result.ShouldSucceed();
        result.Stdout.Should().Contain("rc=1");
    }

    [Fact]
    public void An_architecture_libseccomp_does_not_know_is_refused_naming_it()
    {
        string id = NewId();
        var bundle = NewBundle(b =>
        {
            var seccomp = SetSeccomp(b, Allow());
            seccomp["architectures"] = new JsonArray("SCMP_ARCH_X86_64", "SCMP_ARCH_SHEB");
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.seccomp.architectures[1]");
    }

    [Fact]
    public void A_repeated_filter_comes_from_the_private_cache_and_still_applies()
    {
        // A rule no other test uses, so this test's cache entry is its own.
        string unique = "jaula_it_" + Guid.NewGuid().ToString("N");
        void Tweak(Bundle b) => SetSeccomp(b, Allow(), Rule(["mkdir", "mkdirat", unique], "SCMP_ACT_ERRNO", 71)); // EPROTO
        var before = CacheEntries();

        var first = RunScript("mkdir /tmp/blocked; echo rc=$?", Tweak);
        var added = CacheEntries().Except(before).ToList();
        var second = RunScript("mkdir /tmp/blocked; echo rc=$?", Tweak);

        first.Stderr.Should().Contain("Protocol error");
        second.Stderr.Should().Contain("Protocol error", "the cached filter blocks the same way");
        added.Should().ContainSingle("the first run compiled and stored the filter");
        var dir = new DirectoryInfo("/run/jaula-seccomp-cache");
        dir.UnixFileMode.Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        new FileInfo(added[0]).UnixFileMode.Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        CacheEntries().Except(before).Should().ContainSingle("the second run reused the entry");
        File.Delete(added[0]);
    }

    private static string[] CacheEntries() =>
        Directory.Exists("/run/jaula-seccomp-cache") ? Directory.GetFiles("/run/jaula-seccomp-cache") : [];

    private static JsonObject Allow() => Seccomp("SCMP_ACT_ALLOW");

    private static JsonObject Seccomp(string defaultAction, int? defaultErrno = null)
    {
        var seccomp = new JsonObject { ["defaultAction"] = defaultAction };
        if (defaultErrno is not null)
            seccomp["defaultErrnoRet"] = defaultErrno;
        return seccomp;
    }

    private static JsonObject Rule(string[] names, string action, int? errno = null)
    {
        var rule = new JsonObject { ["names"] = new JsonArray(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()), ["action"] = action };
        if (errno is not null)
            rule["errnoRet"] = errno;
        return rule;
    }

    private static JsonObject SetSeccomp(Bundle bundle, JsonObject seccomp, params JsonObject[] rules)
    {
        if (rules.Length > 0)
            seccomp["syscalls"] = new JsonArray(rules);
        bundle.Linux["seccomp"] = seccomp;
        return seccomp;
    }

    private static List<string> AuditLines() =>
        Shell.Run("/bin/dmesg").Stdout.Split('\n').Where(l => l.Contains("type=1326")).ToList();
}
