using System.Globalization;
using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// The C exec (native/c_init.c, JAULA_INIT_EXEC): an exec whose setup needs nothing of .NET never starts the runtime
/// in the child, and gives the process the same world, and fails with the same messages, as the managed exec. The
/// managed exec is chosen here by an ioPriority in the --process JSON (ExecRoute.WhyManaged), which the process
/// itself does not look at.
/// </summary>
public sealed class ExecRouteTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    /// <summary>A sleeping container; with managed an ioPriority in its process, which every exec in it inherits.</summary>
    private (string Id, Bundle Bundle) StartSleeper(bool cExec, Action<Bundle>? tweak = null)
    {
        string id = NewId();
        Bundle bundle = NewBundle(b =>
        {
            tweak?.Invoke(b);
            if (!cExec)
                b.Process["ioPriority"] = new JsonObject { ["class"] = "IOPRIO_CLASS_BE", ["priority"] = 4 };
        }, "sleep", "600");
        Jaula.RunDetached(id, bundle).ShouldSucceed();
        return (id, bundle);
    }

    /// <summary>The container's process with args and edits, as a --process file.</summary>
    private static string ProcessFile(Bundle bundle, string[] args, Action<JsonObject>? edit = null)
    {
        var process = bundle.Process.DeepClone().AsObject();
        process["args"] = new JsonArray([.. args.Select(a => (JsonNode)JsonValue.Create(a)!)]);
        edit?.Invoke(process);
        string path = Path.Combine(bundle.Dir, $"process-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, process.ToJsonString());
        return path;
    }

    [Fact]
    public void An_eligible_exec_never_starts_dotnet()
    {
        (long Faults, string Log) Exec(bool cExec)
        {
            var (id, bundle) = StartSleeper(cExec);
            string log = Path.Combine(bundle.Dir, $"exec-{cExec}.log");
            string pidFile = Path.Combine(bundle.Dir, $"exec-{cExec}.pid");
            Jaula.Invoke("--debug", "--log", log, "exec", "-d", "--pid-file", pidFile, id, "sleep", "600")
                .ShouldSucceed();
            int pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
            return (ProcessInfo.Load(pid).MinorFaults, File.ReadAllText(log));
        }

        var c = Exec(true);
        var managed = Exec(false);

        c.Log.Should().Contain("exec: the C exec");
        managed.Log.Should().Contain("exec: the managed exec (scheduler, ioPriority, memoryPolicy or personality)");
        // execve keeps a task's fault counts: the exec'd `sleep` still carries what the child did before it. Starting
        // the .NET runtime faults in several hundred pages; the C exec's constructor a small fraction of that.
        string counts = $"(C exec {c.Faults} faults, managed {managed.Faults})";
        managed.Faults.Should().BeGreaterThan(400, $"the observable tells the two routes apart {counts}");
        c.Faults.Should().BeLessThan(managed.Faults / 3, $"no .NET runtime started before the C exec's execve {counts}");
    }

    public static TheoryData<bool> MountNamespaces => new() { true, false };

    [Theory]
    [MemberData(nameof(MountNamespaces))]
    public void Both_routes_give_the_process_the_same_world(bool ownMountNamespace)
    {
        var c = StartSleeper(true, ownMountNamespace ? null : WithoutMountNamespace);
        var managed = StartSleeper(false, ownMountNamespace ? null : WithoutMountNamespace);
        const string script = "echo home=$HOME; umask; pwd; id; ls /; ulimit -n; awk '{print \"session\", $6}' /proc/self/stat; " +
            "grep -E '^(Cap|NoNewPrivs|Seccomp:)' /proc/self/status; cat /proc/self/oom_score_adj; ls /proc/self/fd | tr '\\n' ' '; cat /proc/self/cgroup | wc -l; env | sort";
        string Run(bool cExec, params string[] flags)
        {
            var (id, bundle) = cExec ? c : managed;
            string file = ProcessFile(bundle, ["sh", "-c", script], p =>
            {
                p["cwd"] = "/tmp";
                p["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000, ["additionalGids"] = new JsonArray(10, 20), ["umask"] = 63 };
                p["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 512, ["hard"] = 1024 });
                p["oomScoreAdj"] = 300;
                p["noNewPrivileges"] = true;
                p["env"] = new JsonArray("PATH=/usr/bin:/bin", "A=1");
                p["capabilities"] = new JsonObject
                {
                    ["bounding"] = new JsonArray("CAP_KILL", "CAP_CHOWN"),
                    ["permitted"] = new JsonArray("CAP_KILL"),
                    ["effective"] = new JsonArray("CAP_KILL"),
                    ["inheritable"] = new JsonArray("CAP_KILL"),
                    ["ambient"] = new JsonArray("CAP_KILL"),
                };
            });
            var result = Jaula.Invoke(flags.Length > 0 ? ["--debug", "exec", .. flags, id, "sh", "-c", script] : ["--debug", "exec", "--process", file, id]);
            result.ShouldSucceed();
            result.Stderr.Should().Contain(cExec ? "exec: the C exec" : "exec: the managed exec");
            return result.Stdout;
        }

        string cOut = Run(true);
        cOut.Should().Contain("home=/home/tester\n").And.Contain("0077\n/tmp\nuid=1000(tester) gid=1000(tester)");
        cOut.Should().Contain("\n512\n").And.Contain("CapAmb:\t0000000000000020").And.Contain("NoNewPrivs:\t1").And.Contain("\n300\n");
        cOut.Should().Be(Run(false));

        // The command-line forms on top of the container's process: --cwd, --env, --user, --cap.
        string[] flags = ["--cwd", "/etc", "--env", "B=2", "--user", "1000:1000", "--cap", "CAP_CHOWN"];
        string cFlags = Run(true, flags);
        cFlags.Should().Contain("home=/home/tester\n").And.Contain("/etc\nuid=1000(tester) gid=1000(tester)").And.Contain("B=2\n");
        cFlags.Should().Be(Run(false, flags));
    }

    [Fact]
    public void A_seccomp_filter_binds_the_process_on_both_routes()
    {
        static void Filter(Bundle b) => b.Linux["seccomp"] = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["syscalls"] = new JsonArray(new JsonObject
            {
                ["names"] = new JsonArray("mkdir", "mkdirat"),
                ["action"] = "SCMP_ACT_ERRNO",
                ["errnoRet"] = 1,
            }),
        };
        string Run(bool cExec)
        {
            var (id, _) = StartSleeper(cExec, Filter);
            var result = Jaula.Invoke("--debug", "exec", id, "sh", "-c", "mkdir /tmp/x 2>&1; grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status");
            result.ShouldSucceed();
            result.Stderr.Should().Contain(cExec ? "exec: the C exec" : "exec: the managed exec");
            return result.Stdout;
        }

        string c = Run(true);
        c.Should().Contain("Operation not permitted").And.Contain("Seccomp:\t2");
        c.Should().Be(Run(false));
    }

    [Fact]
    public void Preserved_fds_reach_the_process_on_both_routes()
    {
        string Run(bool cExec)
        {
            var (id, bundle) = StartSleeper(cExec);
            string file = Path.Combine(bundle.Dir, "fd3");
            string[] exec = [Jaula.Binary, "--root", Jaula.Root, "--debug", "exec", "--preserve-fds", "1", id, "sh", "-c", "echo through >&3; ls /proc/self/fd | tr '\\n' ' '"];
            using var launcher = RunningCommand.Start("/bin/bash", ["-c", "exec 3>>\"$0\" && exec \"$@\"", file, .. exec]);
            var result = launcher.Wait();
            result.ShouldSucceed();
            result.Stderr.Should().Contain(cExec ? "exec: the C exec" : "exec: the managed exec");
            File.ReadAllText(file).Should().Be("through\n");
            return result.Stdout;
        }

        string c = Run(true);
        c.Should().Be("0 1 2 3 4 ", "fd 3 came through; ls opened 4");
        c.Should().Be(Run(false));
    }

    /// <summary>
    /// setns into a user namespace fills the child's bounding set: the drops must be made against that full set, not
    /// the caller's, or a capability the caller lacks (here CAP_SYS_TIME, dropped by setpriv) would stay in the
    /// exec'd process's bounding set although the config leaves it out.
    /// </summary>
    [Fact]
    public void In_a_user_namespace_the_bounding_set_is_the_configs_whatever_the_callers()
    {
        string Run(bool cExec)
        {
            var (id, _) = StartSleeper(cExec, b => b.MapRootTo(200000));
            string[] exec = [Jaula.Binary, "--root", Jaula.Root, "--debug", "exec", id, "grep", "CapBnd", "/proc/self/status"];
            using var launcher = RunningCommand.Start("/usr/bin/setpriv", ["--bounding-set", "-sys_time", .. exec]);
            var result = launcher.Wait();
            result.ShouldSucceed();
            result.Stderr.Should().Contain(cExec ? "exec: the C exec" : "exec: the managed exec");
            return result.Stdout;
        }

        string c = Run(true);
        c.Should().Be("CapBnd:\t0000000020000420\n", "the default config's bounding set: CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE");
        c.Should().Be(Run(false));
    }

    public static TheoryData<string, string[], string[]> Failures => new()
    {
        { "args[0] not in PATH", ["nosuchprogram"], [] },
        { "args[0] missing", ["/bin/nosuchprogram"], [] },
        { "args[0] a directory", ["/etc"], [] },
        { "args[0] not executable", ["/etc/passwd"], [] },
        { "cwd missing", ["true"], ["--cwd", "/nonexistent"] },
        { "cwd a file", ["true"], ["--cwd", "/etc/passwd"] },
        { "the final phase's execve", ["/bin/lib-less"], [] },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_failure_reads_as_the_managed_execs(string what, string[] args, string[] flags)
    {
        // An executable whose ELF interpreter is missing: found, executable, and execve fails (ENOENT) in the final phase.
        static void LibLess(Bundle b)
        {
            File.WriteAllBytes(b.HostPath("/bin/lib-less"), [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            File.SetUnixFileMode(b.HostPath("/bin/lib-less"), (UnixFileMode)0x1ED);
        }
        string Fail(bool cExec)
        {
            var (id, _) = StartSleeper(cExec, LibLess);
            var result = Jaula.Invoke(["exec", .. flags, id, .. args]);
            result.ExitCode.Should().NotBe(0, what);
            return result.Stderr.Replace(id, "<id>");
        }

        string c = Fail(true);
        c.Should().NotBeEmpty();
        c.Should().Be(Fail(false), "the C exec's failure ({0}) is worded as the managed exec's", what);
    }

    private static void WithoutMountNamespace(Bundle bundle)
    {
        var namespaces = bundle.Linux["namespaces"]!.AsArray();
        namespaces.Remove(namespaces.Single(n => (string?)n!["type"] == "mount"));
        bundle.Linux.Remove("maskedPaths");
        bundle.Linux.Remove("readonlyPaths");
    }
}
