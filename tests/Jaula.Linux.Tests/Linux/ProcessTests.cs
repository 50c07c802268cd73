namespace Jaula.Linux.Tests.Linux;

public class ProcessTests
{
    [Fact]
    public void GetPid_is_this_process()
    {
        Sys.GetPid().Should().Be(Environment.ProcessId);
    }

    [Fact]
    public void TryKill_with_signal_0_probes_for_a_process()
    {
        Sys.TryKill(Environment.ProcessId, 0).Should().Be(0);
        Sys.TryKill(0x3FFFFFF0, 0).Should().Be(Errno.ESRCH);
        var act = () => Sys.Kill(0x3FFFFFF0, 0);
        act.Should().Throw<ErrnoException>().Which.Errno.Should().Be(Errno.ESRCH);
    }

    [Fact]
    public void A_pidfd_of_this_process_accepts_signal_0()
    {
        using var pidfd = Sys.PidfdOpen(Environment.ProcessId);

        Sys.TryPidfdSendSignal(pidfd, 0).Should().Be(0);
        Sys.PidfdSendSignal(pidfd, 0);
    }

    [Fact]
    public void PidfdOpen_of_a_missing_process_is_ESRCH()
    {
        var act = () => Sys.PidfdOpen(0x3FFFFFF0);

        act.Should().Throw<ErrnoException>().Which.Errno.Should().Be(Errno.ESRCH);
    }

    [Theory]
    [InlineData(0x0000, 0)]      // exit(0)
    [InlineData(0x0300, 3)]      // exit(3)
    [InlineData(0xFF00, 255)]    // exit(255)
    [InlineData(0x0009, 137)]    // killed by SIGKILL
    [InlineData(0x008B, 139)]    // SIGSEGV with a core dump
    public void ShellStatus_decodes_a_wait_status(int waitStatus, int expected)
    {
        Sys.ShellStatus(waitStatus).Should().Be(expected);
    }

    [Fact]
    public void TryReap_of_a_process_that_is_not_our_child_is_ECHILD()
    {
        var act = () => Sys.TryReap(1, out _);

        act.Should().Throw<ErrnoException>().Which.Errno.Should().Be(Errno.ECHILD);
    }

    [Fact]
    public void Credentials_of_the_test_process_are_consistent()
    {
        Sys.GetUid().Should().Be(Sys.GetEuid());
        Sys.GetGid().Should().BeGreaterThanOrEqualTo(0u);
    }

    [Fact]
    public void Rlimits_read_back_what_the_kernel_has()
    {
        var (soft, hard) = Sys.GetRlimit(7 /* RLIMIT_NOFILE */);
        soft.Should().BeLessThanOrEqualTo(hard);
        string line = File.ReadAllLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        line.Should().Contain($" {hard} ");

        Sys.SetRlimit(7, soft, hard); // unchanged limits are always allowed
        Sys.GetRlimit(7).Should().Be((soft, hard));
    }
}
