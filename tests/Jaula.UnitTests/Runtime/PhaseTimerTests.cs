using FluentAssertions;
using Jaula.Runtime;
using Xunit;

namespace Jaula.UnitTests.Runtime;

public sealed class PhaseTimerTests
{
    private sealed class ListLog : IRuntimeLog
    {
        public List<string> Debugs { get; } = [];
        public void Debug(string message) => Debugs.Add(message);
        public void Warn(string message) => throw new InvalidOperationException(message);
    }

    [Fact]
    public void Each_mark_logs_the_time_since_the_previous_one_and_the_total_the_time_since_the_start()
    {
        var log = new ListLog();
        long now = 1_000;
        var timer = new PhaseTimer(log, () => now, ticksPerSecond: 1_000_000); // microseconds

        now += 1_500;
        timer.Mark("load");
        now += 250;
        timer.Mark("clone");
        now += 3_000;
        timer.Total("create");

        log.Debugs.Should().Equal("timing: load 1.50 ms", "timing: clone 0.25 ms", "timing: create total 4.75 ms");
    }

    [Fact]
    public void A_mark_after_the_total_counts_from_the_total()
    {
        var log = new ListLog();
        long now = 0;
        var timer = new PhaseTimer(log, () => now, ticksPerSecond: 1_000);
        now = 10;
        timer.Total("create");
        now = 12;
        timer.Mark("start");

        log.Debugs.Should().Equal("timing: create total 10.00 ms", "timing: start 2.00 ms");
    }

    [Fact]
    public void The_time_since_the_process_start_is_read_from_proc()
    {
        string? line = PhaseTimer.SinceProcessStart();

        line.Should().MatchRegex(@"^timing: process start to command \d+ ms \(10 ms resolution\)$");
        int ms = int.Parse(line!.Split(' ')[5]);
        ms.Should().BeGreaterThan(0).And.BeLessThan((int)(DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds + 20);
    }
}
