using System.Text;
using FluentAssertions;
using Jaula.Oci;
using Jaula.Runtime.Hooks;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>One hook process on the host: argv, env, stdin, exit status, stderr in the error, the timeout.</summary>
public sealed class HookProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jaula-hook-test-").FullName;

    private static readonly byte[] State = Encoding.UTF8.GetBytes("""{"ociVersion":"1.3.0","id":"c1","status":"creating","pid":42,"bundle":"/b"}""");

    [Fact]
    public void Argv_is_args_as_given_including_argv0_and_env_is_exactly_env()
    {
        string output = Path.Combine(_dir, "out");
        // busybox dispatches on argv[0]: "echo" runs its echo applet although the path is busybox.
        var hook = new HookSpec { Path = "/bin/busybox", Args = ["sh", "-c", $"echo \"$0 $1\" > {output}; env | grep -v -e ^PWD= -e ^SHLVL= -e ^PATH= >> {output}", "zero", "one"], Env = ["K=v"] };

        HookProcess.Run(hook, "hooks.prestart[0]", State);

        File.ReadAllLines(output).Should().Equal("zero one", "K=v");
    }

    [Fact]
    public void Without_args_argv_is_the_path()
    {
        string script = Script("echo \"$0\" > " + Path.Combine(_dir, "out"));

        HookProcess.Run(new HookSpec { Path = script }, "hooks.poststart[0]", State);

        File.ReadAllText(Path.Combine(_dir, "out")).Trim().Should().Be(script);
    }

    [Fact]
    public void Without_env_the_runtimes_environment_is_passed_as_runc_does_and_an_empty_env_is_empty()
    {
        string inherited = Path.Combine(_dir, "inherited"), empty = Path.Combine(_dir, "empty");
        Environment.SetEnvironmentVariable("JAULA_HOOK_TEST_MARK", "seen");

        HookProcess.Run(new HookSpec { Path = "/bin/sh", Args = ["sh", "-c", $"env > {inherited}"] }, "hooks.poststop[0]", State);
        HookProcess.Run(new HookSpec { Path = "/bin/sh", Args = ["sh", "-c", $"env | grep -v ^PWD= > {empty}; true"], Env = [] }, "hooks.poststop[1]", State);

        File.ReadAllLines(inherited).Should().Contain("JAULA_HOOK_TEST_MARK=seen");
        File.ReadAllText(empty).Should().BeEmpty();
    }

    [Fact]
    public void The_state_arrives_on_stdin()
    {
        string output = Path.Combine(_dir, "state");

        HookProcess.Run(new HookSpec { Path = "/bin/sh", Args = ["sh", "-c", $"cat > {output}"] }, "hooks.createRuntime[0]", State);

        File.ReadAllBytes(output).Should().Equal(State);
    }

    [Fact]
    public void A_hook_that_never_reads_a_large_state_does_not_hang()
    {
        byte[] big = new byte[1 << 20];
        Array.Fill(big, (byte)' ');

        var act = () => HookProcess.Run(new HookSpec { Path = "/bin/true" }, "hooks.prestart[0]", big);

        act.Should().NotThrow();
    }

    [Fact]
    public void A_non_zero_exit_fails_naming_the_field_the_path_the_status_and_the_stderr()
    {
        var hook = new HookSpec { Path = "/bin/sh", Args = ["sh", "-c", "echo something broke >&2; exit 4"] };

        var act = () => HookProcess.Run(hook, "hooks.poststart[2]", State);

        act.Should().Throw<HookFailedException>()
            .Which.Message.Should().Be("hooks.poststart[2]: /bin/sh exited with status 4: stderr: something broke");
    }

    [Fact]
    public void A_missing_program_fails_naming_it()
    {
        var act = () => HookProcess.Run(new HookSpec { Path = "/nonexistent/hook" }, "hooks.prestart[0]", State);

        act.Should().Throw<HookFailedException>().Which.Message.Should().Contain("hooks.prestart[0]").And.Contain("/nonexistent/hook");
    }

    [Fact]
    public void Past_its_timeout_the_hook_and_its_children_are_killed()
    {
        string pidFile = Path.Combine(_dir, "child");
        var hook = new HookSpec { Path = "/bin/sh", Args = ["sh", "-c", $"sleep 300 & echo $! > {pidFile}; wait"], Timeout = 1 };

        var act = () => HookProcess.Run(hook, "hooks.createRuntime[0]", State);

        act.Should().Throw<HookFailedException>().Which.Message.Should().Contain("timeout of 1 s").And.Contain("killed");
        int child = int.Parse(File.ReadAllText(pidFile).Trim());
        WaitGoneOrZombie(child).Should().BeTrue();
    }

    [Fact]
    public void Signals_are_reset_to_their_defaults_in_the_hook()
    {
        // .NET ignores SIGPIPE; a hook must not inherit that. Field SigIgn of /proc/self/status lists ignored signals
        // (glibc's posix_spawn leaves only its two internal real-time signals, 32 and 33, ignored).
        string output = Path.Combine(_dir, "status");

        HookProcess.Run(new HookSpec { Path = "/bin/sh", Args = ["sh", "-c", $"grep SigIgn /proc/self/status > {output}"] }, "hooks.prestart[0]", State);

        ulong ignored = Convert.ToUInt64(File.ReadAllText(output).Split(':')[1].Trim(), 16);
        (ignored & 0x7FFFFFFFUL).Should().Be(0, "no standard signal, 1 to 31 (SIGPIPE among them), stays ignored");
    }

    private string Script(string body)
    {
        string path = Path.Combine(_dir, "hook.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        return path;
    }

    private static bool WaitGoneOrZombie(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            string? stat = File.Exists($"/proc/{pid}/stat") ? TryRead($"/proc/{pid}/stat") : null;
            if (stat is null || stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
                return true;
            Thread.Sleep(20);
        }
        return false;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
