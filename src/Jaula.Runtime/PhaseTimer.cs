using System.Diagnostics;
using System.Globalization;
using Jaula.Linux;

namespace Jaula.Runtime;

/// <summary>
/// `--debug` timing of a command's phases in the parent: each <see cref="Mark"/> logs how long the phase that just
/// ended took, <see cref="Total"/> the time since the timer was made. Lines read "timing: &lt;phase&gt; 1.23 ms".
/// </summary>
public sealed class PhaseTimer
{
    private readonly IRuntimeLog _log;
    private readonly Func<long> _now;
    private readonly double _ticksPerMs;
    private readonly long _start;
    private long _last;

    public PhaseTimer(IRuntimeLog log) : this(log, Stopwatch.GetTimestamp, Stopwatch.Frequency)
    {
    }

    /// <param name="now">the clock, in <paramref name="ticksPerSecond"/> (tests give their own)</param>
    public PhaseTimer(IRuntimeLog log, Func<long> now, long ticksPerSecond)
    {
        _log = log;
        _now = now;
        _ticksPerMs = ticksPerSecond / 1000.0;
        _start = _last = now();
    }

    /// <summary>Logs the time since the previous mark (or the start) as the phase <paramref name="phase"/>.</summary>
    public void Mark(string phase)
    {
        long now = _now();
        _log.Debug(Line(phase, (now - _last) / _ticksPerMs));
        _last = now;
    }

    /// <summary>Logs the time since the timer was made as "<paramref name="what"/> total".</summary>
    public void Total(string what)
    {
        long now = _now();
        _log.Debug(Line($"{what} total", (now - _start) / _ticksPerMs));
        _last = now;
    }

    public static string Line(string phase, double ms) =>
        string.Create(CultureInfo.InvariantCulture, $"timing: {phase} {ms:F2} ms");

    /// <summary>
    /// The line for the time from this process's start (its clone, /proc/self/stat) to now, or null if it cannot be
    /// read. The kernel keeps the start in clock ticks, so this has their resolution (10 ms).
    /// </summary>
    public static string? SinceProcessStart()
    {
        try
        {
            if (ProcFs.ReadStat(Environment.ProcessId) is not { } stat)
                return null;
            double ms = Sys.BootTimeNanoseconds() / 1e6 - stat.StartTime * 1000.0 / Sys.ClockTicksPerSecond;
            return string.Create(CultureInfo.InvariantCulture, $"timing: process start to command {Math.Max(ms, 0):F0} ms (10 ms resolution)");
        }
        catch (ErrnoException)
        {
            return null;
        }
    }
}
