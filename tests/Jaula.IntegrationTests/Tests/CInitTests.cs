using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// The C init (native/c_init.c): a container whose setup needs nothing of .NET gets an init that never starts the
/// runtime, and that init builds the same container, and fails with the same messages, as the managed init.
/// </summary>
public sealed class CInitTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void An_eligible_containers_init_never_starts_dotnet()
    {
        var c = CreateWithLog(true, "sleep", "30");
        var managed = CreateWithLog(false, "sleep", "30");

        c.Log.Should().Contain("init: the C init");
        managed.Log.Should().Contain("init: the managed init (scheduler, ioPriority, memoryPolicy or personality)");
        // Waiting on the exec fifo: the C init is one thread (the .NET runtime starts threads of its own before Main)
        // and a few MB, the managed init more of both.
        Status(c.Pid, "Threads").Should().Be(1, "no .NET runtime started in the C init");
        Status(managed.Pid, "Threads").Should().BeGreaterThan(1, "the observable tells the two apart");
        Status(c.Pid, "VmRSS").Should().BeLessThan(Status(managed.Pid, "VmRSS"));
        File.ReadAllText($"/proc/{c.Pid}/maps").Should().NotContain("doublemapper");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_terminal_is_attached_the_same_by_both_inits(bool cInit)
    {
        string id = NewId();
        using var receiver = new ConsoleSocketReceiver();
        var bundle = NewBundle(b =>
        {
            b.UseInit(cInit);
            b.Process["terminal"] = true;
            b.Process["consoleSize"] = new System.Text.Json.Nodes.JsonObject { ["height"] = 33, ["width"] = 99 };
        }, "sh", "-c", "tty; stty size; ls -l /dev/console; read line; echo got $line");
        string log = Path.Combine(bundle.Dir, "debug.log");
        var receiving = Task.Run(() => receiver.Receive(TimeSpan.FromSeconds(20)));

        Jaula.Track(id);
        Jaula.Invoke("--debug", "--log", log, "create", "--console-socket", receiver.Path, "--bundle", bundle.Dir, id).ShouldSucceed();
        var (master, _) = await receiving;
        using (master)
        {
            File.ReadAllText(log).Should().Contain(cInit ? "init: the C init" : "init: the managed init");
            Jaula.Start(id).ShouldSucceed();
            master.Write("hello\n"u8);
            master.Flush();
            ExecTests.ReadUntilClosed(master).Should().MatchRegex(@"/dev/pts/0").And.Contain("33 99")
                .And.MatchRegex(@"c[-rwx]+ .* 136, +0 .*/dev/console").And.Contain("got hello");
        }
    }

    [Fact]
    public void Both_inits_give_the_process_the_same_world()
    {
        const string script = "echo home=$HOME; umask; pwd; id; awk '{print \"session\", $6}' /proc/self/stat; " +
            "grep -E '^(Cap|NoNewPrivs|Seccomp:)' /proc/self/status; cat /proc/self/cgroup | wc -l; env | sort";
        string Run(bool cInit)
        {
            var result = Jaula.Run(NewId(), NewBundle(b => b.UseInit(cInit).Process["cwd"] = "/tmp", "sh", "-c", script));
            result.ShouldSucceed();
            return result.Stdout;
        }

        string c = Run(true);
        c.Should().Contain("home=/root\n").And.Contain("0022\n/tmp\n").And.Contain("NoNewPrivs:\t1");
        c.Should().Be(Run(false));
    }

    public static TheoryData<string, string[]> Failures => new()
    {
        { "args0-not-in-path", ["nosuchprogram"] },
        { "args0-missing", ["/bin/nosuchprogram"] },
        { "args0-directory", ["/etc"] },
        { "cwd", ["cwd:/proc/self/fd/4", "true"] },
        { "rootfs", ["cwd:/etc/passwd", "true"] },
        { "rootfs", ["mount:nosuchfs", "true"] },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_failure_reads_as_the_managed_inits(string kind, string[] args)
    {
        string Fail(bool cInit)
        {
            string id = NewId();
            using var bundle = NewBundle(b =>
            {
                b.UseInit(cInit);
                if (args[0].StartsWith("cwd:", StringComparison.Ordinal))
                    b.Process["cwd"] = args[0][4..];
                if (args[0].StartsWith("mount:", StringComparison.Ordinal))
                    b.AddMount("/x", "none", args[0][6..]);
            }, args[0].Contains(':') ? args[1..] : args);
            var result = Jaula.Create(id, bundle);
            result.Succeeded.Should().BeFalse(kind);
            return result.Stderr.Replace(id, "<id>");
        }

        string c = Fail(true);
        c.Should().NotBeEmpty();
        c.Should().Be(Fail(false), "the C init's {0} failure is worded as the managed init's", kind);
    }

    /// <summary>
    /// A created container's init is pid 1 of its pid namespace, to which the kernel delivers from outside only the
    /// signals it has a handler for: the C init catches those that end a process while it waits for `start`, so
    /// `kill` ends a created container (runc's Go init dies of them too; the managed init, whose runtime re-raises
    /// them at SIG_DFL, does not).
    /// </summary>
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    [InlineData("HUP")]
    [InlineData("USR1")]
    public void A_created_container_ends_on_a_signal_that_ends_a_process(string signal)
    {
        var (id, pid, log) = CreateWithLog(true, "sleep", "30");
        log.Should().Contain("init: the C init");
        Jaula.State(id).Status.Should().Be("created");

        Jaula.Kill(id, signal).ShouldSucceed();

        Jaula.WaitForStatus(id, "stopped");
        Reaper.WaitUntilGone(pid, TimeSpan.FromSeconds(10)).Should().BeTrue("the init ended");
        Jaula.Delete(id).ShouldSucceed();
        Jaula.StateRaw(id).ShouldFailWith("container does not exist", id);
        Directory.Exists(Path.Combine(Jaula.Root, id)).Should().BeFalse();
    }

    [Fact]
    public void The_process_gets_no_signal_caught_ignored_or_blocked()
    {
        // The C init catches TERM and the others while it waits; the process starts with every one at SIG_DFL and
        // none blocked, as before. (The managed init leaves it SIGPIPE ignored, as .NET ignores it.)
        var result = Jaula.Run(NewId(), NewBundle("grep", "-E", "^Sig(Blk|Ign|Cgt)", "/proc/self/status"));

        result.ShouldSucceed().Stdout.Should().Be("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n");
    }

    /// <summary>
    /// Without HOME in the env the C init reads the user's home from the container's /etc/passwd before READY: a FIFO
    /// there (a hostile image) must not hang it (opened without blocking, only a regular file read), nor a device
    /// it could read forever; HOME falls back to "/" as for an unreadable passwd.
    /// </summary>
    [Theory]
    [InlineData("fifo")]
    [InlineData("device")]
    public void An_etc_passwd_that_is_no_regular_file_leaves_HOME_at_the_root(string kind)
    {
        var bundle = NewBundle(b =>
        {
            string passwd = b.HostPath("/etc/passwd");
            File.Delete(passwd);
            if (kind == "fifo")
                Shell.Run("/usr/bin/mkfifo", passwd);
            else
                File.CreateSymbolicLink(passwd, "/dev/zero");
        }, "sh", "-c", "echo home=$HOME");

        var result = Jaula.Run(NewId(), bundle);

        result.ShouldSucceed().Stdout.Should().Be("home=/\n");
    }

    private (string Id, int Pid, string Log) CreateWithLog(bool cInit, params string[] args)
    {
        string id = NewId();
        var bundle = NewBundle(b => b.UseInit(cInit), args);
        string log = Path.Combine(bundle.Dir, "debug.log");
        Jaula.Invoke("--debug", "--log", log, "create", "--bundle", bundle.Dir, id).ShouldSucceed();
        return (id, Jaula.State(id).Pid, File.ReadAllText(log));
    }

    /// <summary>A number from /proc/&lt;pid&gt;/status (VmRSS in kB).</summary>
    private static long Status(int pid, string key)
    {
        string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return long.Parse(line[(key.Length + 1)..].Replace("kB", "").Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
