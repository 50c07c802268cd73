namespace Jaula.Linux.Tests.Linux;

/// <summary>The stage reports CLONE_INTO_CGROUP as -1 (not asked), 0 (born inside) or the errno of clone3's refusal.</summary>
public class CgroupBirthTests
{
    [Fact]
    public void Not_asked_is_neither_inside_nor_refused()
    {
        var birth = CgroupBirth.FromStage(-1);
        birth.Asked.Should().BeFalse();
        birth.Inside.Should().BeFalse();
    }

    [Fact]
    public void Zero_means_born_inside()
    {
        CgroupBirth.FromStage(0).Inside.Should().BeTrue();
    }

    [Fact]
    public void An_errno_means_refused_and_moved_in_later()
    {
        var birth = CgroupBirth.FromStage(Errno.EBUSY);
        birth.Asked.Should().BeTrue();
        birth.Inside.Should().BeFalse();
        birth.RefusedErrno.Should().Be(Errno.EBUSY);
    }
}
