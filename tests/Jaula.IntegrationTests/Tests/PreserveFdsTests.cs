using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>`--preserve-fds N` passes fds 3..3+N-1 of the caller to the process; without it they are closed.</summary>
public sealed class PreserveFdsTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void A_preserved_fd_reaches_the_process()
    {
        using var host = new HostDirectory();
        string file = Path.Combine(host.Path, "fd3");

        CommandResult result = RunWithFd3(file, ["--preserve-fds", "1"], "echo through-fd3 >&3; ls /proc/self/fd");

        FdNumbers(result.ShouldSucceed()).Should().Equal(0, 1, 2, 3, 4);
        File.ReadAllText(file).Should().Be("through-fd3\n");
    }

    [Fact]
    public void Without_preserve_fds_the_extra_fd_is_closed()
    {
        using var host = new HostDirectory();

        // ls opens /proc/self/fd itself, as the lowest free fd: 3 when the caller's fd 3 did not come through.
        CommandResult result = RunWithFd3(Path.Combine(host.Path, "fd3"), [], "ls /proc/self/fd");

        FdNumbers(result.ShouldSucceed()).Should().Equal(0, 1, 2, 3);
    }

    /// <summary>`run` in the foreground, started by a shell that first opens <paramref name="file"/> as fd 3.</summary>
    private CommandResult RunWithFd3(string file, string[] flags, string script)
    {
        string id = NewId();
        Bundle bundle = NewBundle("sh", "-c", script);
        string[] run = [Jaula.Binary, "--root", Jaula.Root, "run", .. flags, "--bundle", bundle.Dir, id];
        using var launcher = RunningCommand.Start("/bin/bash", ["-c", "exec 3>>\"$0\" && exec \"$@\"", file, .. run]);
        return launcher.Wait();
    }

    private static int[] FdNumbers(CommandResult result) =>
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Order().ToArray();
}
