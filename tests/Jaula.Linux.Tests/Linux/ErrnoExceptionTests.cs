namespace Jaula.Linux.Tests.Linux;

public class ErrnoExceptionTests
{
    [Fact]
    public void Message_names_the_call_the_path_and_the_error_text()
    {
        var e = new ErrnoException("mount", "/proc on /x/rootfs/proc", Errno.ENODEV);

        e.Message.Should().Be("mount /proc on /x/rootfs/proc: No such device");
        e.Call.Should().Be("mount");
        e.Path.Should().Be("/proc on /x/rootfs/proc");
        e.Errno.Should().Be(19);
        e.ErrnoName.Should().Be("ENODEV");
    }

    [Fact]
    public void Message_without_a_path_has_only_the_call()
    {
        new ErrnoException("capset", null, Errno.EPERM).Message.Should().Be("capset: Operation not permitted");
    }

    [Theory]
    [InlineData(Errno.ENOENT, "ENOENT")]
    [InlineData(Errno.EOPNOTSUPP, "EOPNOTSUPP")]
    [InlineData(Errno.ELOOP, "ELOOP")]
    [InlineData(4095, "errno 4095")]
    public void ErrnoName_uses_the_symbolic_name(int errno, string name)
    {
        new ErrnoException("x", null, errno).ErrnoName.Should().Be(name);
    }

    [Fact]
    public void A_failed_call_reports_its_errno()
    {
        var act = () => Sys.Open("/nonexistent/jaula", OpenFlags.ReadOnly);

        act.Should().Throw<ErrnoException>()
            .Which.Should().Match<ErrnoException>(e => e.Errno == Errno.ENOENT && e.Message == "open /nonexistent/jaula: No such file or directory");
    }
}
