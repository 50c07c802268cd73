using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>runc's tmpcopyup (podman --read-only sets it): the tmpfs starts with the directory's old content.</summary>
public sealed class TmpCopyUpTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Tmpfs_with_tmpcopyup_holds_the_old_content_with_modes_owners_and_links()
    {
        CommandResult result = RunScript(
            "grep ' /etc/conf ' /proc/self/mountinfo | grep -c tmpfs; cat /etc/conf/a /etc/conf/sub/b; stat -c '%a %u:%g' /etc/conf/sub/b; readlink /etc/conf/link",
            b =>
            {
                Directory.CreateDirectory(b.HostPath("/etc/conf/sub"));
                File.WriteAllText(b.HostPath("/etc/conf/a"), "old a\n");
                File.WriteAllText(b.HostPath("/etc/conf/sub/b"), "old b\n");
                Shell.Run("/bin/chown", "7:8", b.HostPath("/etc/conf/sub/b"));
                Shell.Run("/bin/chmod", "604", b.HostPath("/etc/conf/sub/b"));
                File.CreateSymbolicLink(b.HostPath("/etc/conf/link"), "sub/b");
                b.AddMount("/etc/conf", "tmpfs", "tmpfs", "tmpcopyup", "mode=755");
            });

        result.ShouldSucceed();
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("1", "old a", "old b", "604 7:8", "sub/b");
    }
}
