namespace Jaula.Linux.Tests.Linux;

public class SignalsTests
{
    [Theory]
    [InlineData("KILL", 9)]
    [InlineData("SIGKILL", 9)]
    [InlineData("kill", 9)]
    [InlineData("sigterm", 15)]
    [InlineData("9", 9)]
    [InlineData("64", 64)]
    [InlineData("HUP", 1)]
    [InlineData("SIGSYS", 31)]
    [InlineData("SIGCHLD", 17)]
    [InlineData("CLD", 17)]
    [InlineData("IOT", 6)]
    [InlineData("POLL", 29)]
    [InlineData("WINCH", 28)]
    [InlineData("SIGRTMIN", 34)]
    [InlineData("SIGRTMIN+3", 37)]
    [InlineData("RTMAX-1", 63)]
    [InlineData("rtmax", 64)]
    [InlineData("RTMIN+30", 64)]
    public void TryParse_accepts_names_and_numbers(string text, int expected)
    {
        Signals.TryParse(text, out int signal).Should().BeTrue();
        signal.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("-9")]
    [InlineData("SIGFOO")]
    [InlineData("RTMIN+31")]
    [InlineData("RTMAX-31")]
    [InlineData("RTMIN-1")]
    [InlineData("9x")]
    public void TryParse_rejects_what_is_not_a_signal(string text)
    {
        Signals.TryParse(text, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(9, "SIGKILL")]
    [InlineData(15, "SIGTERM")]
    [InlineData(16, "SIGSTKFLT")]
    [InlineData(30, "SIGPWR")]
    [InlineData(32, "SIG32")]
    [InlineData(34, "SIGRTMIN")]
    [InlineData(49, "SIGRTMIN+15")]
    [InlineData(50, "SIGRTMAX-14")]
    [InlineData(63, "SIGRTMAX-1")]
    [InlineData(64, "SIGRTMAX")]
    [InlineData(99, "signal 99")]
    public void Name_gives_the_kill_l_name(int signal, string name)
    {
        Signals.Name(signal).Should().Be(name);
    }

    [Fact]
    public void Every_name_parses_back_to_its_number()
    {
        for (int signal = 1; signal <= 64; signal++)
        {
            Signals.TryParse(Signals.Name(signal), out int parsed).Should().BeTrue(Signals.Name(signal));
            parsed.Should().Be(signal);
        }
    }
}
