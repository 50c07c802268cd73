using Jaula.Cgroups;
using Jaula.Linux;

namespace Jaula.Cgroups.Tests;

/// <summary>
/// A rootless create goes on without a cgroup only when the kernel refused for lack of permission; every other
/// failure stays an error. Checked on the exceptions the cgroup code throws.
/// </summary>
public class CgroupPermissionTests
{
    [Theory]
    [InlineData(Errno.EACCES, true)]
    [InlineData(Errno.EPERM, true)]
    [InlineData(Errno.EROFS, true)]
    [InlineData(Errno.ENOENT, false)]
    [InlineData(Errno.EBUSY, false)]
    [InlineData(Errno.EINVAL, false)]
    public void Only_permission_errors_count_as_no_write_access(int errno, bool denied)
    {
        var e = new CgroupException("create cgroup /sys/fs/cgroup/x", new ErrnoException("mkdir", "/sys/fs/cgroup/x", errno));
        e.PermissionDenied.Should().Be(denied);
    }

    [Fact]
    public void A_refusal_of_our_own_is_not_a_permission_error()
    {
        new CgroupException("linux.cgroupsPath: \"/\" names the root cgroup").PermissionDenied.Should().BeFalse();
    }

    [Fact]
    public void A_cgroup_file_that_cannot_be_opened_carries_its_errno()
    {
        // A missing directory: ENOENT, which a rootless create must not mistake for "not delegated".
        var act = () => CgroupFile.Write("/nonexistent-jaula-dir", "pids.max", "8", "linux.resources.pids.limit");
        act.Should().Throw<CgroupException>().Which.PermissionDenied.Should().BeFalse();
    }
}
