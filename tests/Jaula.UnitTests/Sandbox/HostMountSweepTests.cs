using FluentAssertions;
using Jaula.Sandbox.Rootfs;
using Xunit;

namespace Jaula.UnitTests.Sandbox;

public class HostMountSweepTests
{
    private const string Rootfs = "/b/rootfs";

    private static readonly MountInfo[] Table =
    [
        new("/", "/", "ext4", "/dev/vda", "rw", 27),
        new("/", "/b/rootfs", "overlay", "overlay", "rw", 40),        // the engine's, there before create
        new("/", "/b/rootfs-other", "tmpfs", "tmpfs", "rw", 41),      // a sibling whose name only starts alike
        new("/b/rootfs", "/b/rootfs", "overlay", "overlay", "rw", 50), // the init's rbind of the rootfs
        new("/", "/b/rootfs/proc", "proc", "proc", "rw", 51),
        new("/", "/b/rootfs/dev", "tmpfs", "tmpfs", "rw", 52),
        new("/", "/b/rootfs/dev/pts", "devpts", "devpts", "rw", 53),
        new("/", "/elsewhere", "tmpfs", "tmpfs", "rw", 54),
    ];

    [Fact]
    public void Existing_names_what_is_at_or_under_the_rootfs_only() =>
        HostMountSweep.Existing(Table[..3], Rootfs).Should().Equal(40);

    [Fact]
    public void Select_takes_the_containers_mounts_deepest_and_topmost_first_and_keeps_what_was_there()
    {
        var chosen = HostMountSweep.Select(Table, Rootfs, before: [40]);

        chosen.Select(m => m.Id).Should().Equal(53, 52, 51, 50);
    }

    [Theory]
    [InlineData("/b/rootfs", true)]
    [InlineData("/b/rootfs/x/y", true)]
    [InlineData("/b/rootfs-other", false)]
    [InlineData("/b", false)]
    public void At_or_under_compares_whole_path_components(string mountPoint, bool expected) =>
        HostMountSweep.IsAtOrUnder(mountPoint, Rootfs + "/").Should().Be(expected);
}
