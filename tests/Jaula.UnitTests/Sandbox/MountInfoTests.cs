using FluentAssertions;
using Jaula.Sandbox.Rootfs;
using Xunit;

namespace Jaula.UnitTests.Sandbox;

public class MountInfoTests
{
    private static readonly string[] Sample =
    [
        "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
        "25 22 0:21 / /sys/fs/cgroup rw,nosuid shared:7 - tmpfs tmpfs ro,mode=755",
        "26 25 0:22 / /sys/fs/cgroup/unified rw,nosuid shared:8 - cgroup2 cgroup2 rw",
        "27 25 0:23 / /sys/fs/cgroup/memory rw,nosuid shared:9 - cgroup cgroup rw,memory",
        "28 25 0:24 / /sys/fs/cgroup/cpu,cpuacct rw shared:10 master:3 - cgroup cgroup rw,cpu,cpuacct",
        "40 22 0:30 /sub /mnt/with\\040space rw - tmpfs none rw",
    ];

    [Fact]
    public void Parses_fields_around_the_optional_ones()
    {
        var mounts = MountInfo.Parse(Sample);
        mounts.Should().HaveCount(6);
        mounts[4].Should().Be(new MountInfo("/", "/sys/fs/cgroup/cpu,cpuacct", "cgroup", "cgroup", "rw,cpu,cpuacct", 28));
    }

    [Fact]
    public void Unescapes_octal_sequences() =>
        MountInfo.Parse(Sample)[5].MountPoint.Should().Be("/mnt/with space");

    [Theory]
    [InlineData("/sys/fs/cgroup/memory/x", "/sys/fs/cgroup/memory")]
    [InlineData("/home/user", "/")]
    [InlineData("/sys/fs/cgroupx", "/")]
    public void Finds_the_mount_holding_a_path(string path, string expected) =>
        MountInfo.Containing(MountInfo.Parse(Sample), path)!.MountPoint.Should().Be(expected);

    [Fact]
    public void Matches_own_cgroups_to_their_hierarchies()
    {
        var own = OwnCgroup.Parse(["4:memory:/process_api/x", "1:cpu,cpuacct:/", "0::/user"]);
        var mounts = MountInfo.Parse(Sample);
        own[0].Matches(mounts[3]).Should().BeTrue();
        own[0].Matches(mounts[4]).Should().BeFalse();
        own[1].Matches(mounts[4]).Should().BeTrue();
        own[2].Matches(mounts[2]).Should().BeTrue();
        own[2].Path.Should().Be("/user");
    }
}
