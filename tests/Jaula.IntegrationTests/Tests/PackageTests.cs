using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>The .deb: built from the binary under test, installed with apt-get, used, and removed again.</summary>
public sealed class PackageTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void The_deb_installs_the_binary_man_pages_and_completions_and_removes_cleanly()
    {
        Run("dpkg-query", "-W", "jaula").ExitCode.Should().NotBe(0, "the test installs jaula itself and removes it afterwards");
        string outDir = Directory.CreateTempSubdirectory("jaula-deb-").FullName;
        try
        {
            CommandResult build = Run("env", $"JAULA_BINARY={Jaula.Binary}", "bash", Path.Join(RepoPaths.RepoRoot, "scripts", "package.sh"), outDir);
            build.ShouldSucceed();
            string deb = build.Stdout.Trim();
            Run("dpkg-deb", "--field", deb, "Depends").Stdout.Trim().Should().Be("libc6 (>= 2.31)");

            Run("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", deb).ShouldSucceed();

            Run("/usr/bin/jaula", "--version").ShouldSucceed().Stdout.Should().StartWith("jaula version ");
            Run("man", "-w", "jaula-create").ShouldSucceed().Stdout.Trim().Should().Be("/usr/share/man/man8/jaula-create.8.gz");
            Run("env", "MANWIDTH=100", "man", "jaula-kill").ShouldSucceed().Stdout.Should().Contain("JAULA-KILL(8)");
            File.Exists("/usr/share/bash-completion/completions/jaula").Should().BeTrue();
            File.Exists("/usr/share/zsh/vendor-completions/_jaula").Should().BeTrue();
        }
        finally
        {
            Run("dpkg", "--purge", "jaula");
            Directory.Delete(outDir, recursive: true);
        }
        File.Exists("/usr/bin/jaula").Should().BeFalse("dpkg --purge removes what the package installed");
    }

    private static CommandResult Run(string file, params string[] args)
    {
        using var command = RunningCommand.Start(file, args);
        return command.Wait(TimeSpan.FromMinutes(3));
    }
}
