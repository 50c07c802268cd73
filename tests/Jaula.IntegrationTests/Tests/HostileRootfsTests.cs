using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// The rootfs belongs to the image author: symlinks and ".." in it must resolve inside it. Each hostile setup may
/// fail create with a clear error or be confined to the rootfs; either way nothing happens on the host.
/// </summary>
public sealed class HostileRootfsTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void A_proc_symlink_climbing_out_of_the_rootfs_stays_inside()
    {
        using var target = new HostDirectory();
        int index = -1;
        Bundle bundle = NewBundle(b =>
        {
            index = ProcMountIndex(b);
            ReplaceWithSymlink(b.HostPath("/proc"), $"/../../../../tmp/{target.Name}");
        }, "cat", "/proc/self/mountinfo");

        CommandResult result = Jaula.Run(NewId(), bundle);

        if (result.Succeeded)
        {
            // mountinfo: "... <mount point> <options> ... - <fstype> <source> ..."; proc is mounted at the resolved /proc.
            result.Stdout.Should().MatchRegex(@"(?m)^\S+ \S+ \S+ \S+ /tmp/" + target.Name + @" .* - proc ");
        }
        else
        {
            result.ShouldFailWith($"mounts[{index}]");
        }
        AssertUntouched(target);
    }

    [Fact]
    public void A_bind_destination_through_an_absolute_symlink_stays_inside()
    {
        using var target = new HostDirectory();
        using var source = new HostDirectory();
        File.WriteAllText(Path.Combine(source.Path, "marker"), "from-source");
        int index = -1;
        Bundle bundle = NewBundle(b =>
        {
            File.CreateSymbolicLink(b.HostPath("/etc/evil"), target.Path);
            index = b.AddMount("/etc/evil/x", source.Path, "bind", "rbind");
        }, "cat", "/etc/evil/x/marker");

        CommandResult result = Jaula.Run(NewId(), bundle);

        if (result.Succeeded)
        {
            result.Stdout.Should().Be("from-source");
        }
        else
        {
            result.ShouldFailWith($"mounts[{index}]");
        }
        AssertUntouched(target);
    }

    [Fact]
    public void A_destination_with_dot_dot_never_leaves_the_rootfs()
    {
        string name = "jaula-it-climb-" + Guid.NewGuid().ToString("N")[..10];
        int index = -1;
        Bundle bundle = NewBundle(b => index = b.AddMount($"/../../{name}", "tmpfs", "tmpfs"), "sh", "-c", $"grep ' /{name} ' /proc/self/mountinfo");

        CommandResult result = Jaula.Run(NewId(), bundle);

        if (!result.Succeeded)
        {
            result.ShouldFailWith($"mounts[{index}]");
        }
        // The rootfs is <bundle>/rootfs, so two ".." from it would land in the bundle's parent.
        string[] escapes = [$"/{name}", Path.Combine(Path.GetDirectoryName(bundle.Dir)!, name), Path.Combine(bundle.Dir, name)];
        escapes.Should().OnlyContain(p => !Path.Exists(p), "nothing may be created outside the rootfs");
        MountTable.Mentions(name).Should().BeFalse();
    }

    private static int ProcMountIndex(Bundle bundle) =>
        bundle.Config["mounts"]!.AsArray().Select(m => (string?)m!["destination"]).ToList().IndexOf("/proc");

    private static void ReplaceWithSymlink(string path, string target)
    {
        Directory.Delete(path);
        File.CreateSymbolicLink(path, target);
    }

    private static void AssertUntouched(HostDirectory target)
    {
        target.Entries.Should().BeEmpty("the host directory the rootfs points at must stay empty");
        MountTable.Mentions(target.Path).Should().BeFalse("nothing may be mounted on the host directory");
    }
}
