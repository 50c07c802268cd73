using System.Globalization;

namespace Jaula.Oci;

/// <summary>
/// Formats timestamps the way runc's state does (Go's RFC3339Nano): UTC, "Z", and a fraction of up to nine
/// digits with trailing zeros removed, e.g. "2026-11-22T07:47:48.123456789Z".
/// </summary>
public static class Rfc3339Nano
{
    private const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>Formats a time given as seconds and nanoseconds since the Unix epoch (what clock_gettime gives).</summary>
    public static string Format(long unixSeconds, long nanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nanoseconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(nanoseconds, NanosecondsPerSecond);
        var whole = DateTime.UnixEpoch.AddSeconds(unixSeconds);
        var text = whole.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return nanoseconds == 0 ? text + "Z" : text + "." + Fraction(nanoseconds) + "Z";
    }

    /// <summary>Formats a DateTime (100 ns resolution); a local or unspecified kind is taken as UTC after conversion.</summary>
    public static string Format(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time;
        var ticksIntoSecond = utc.Ticks % TimeSpan.TicksPerSecond;
        var unixSeconds = (utc.Ticks - ticksIntoSecond - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
        return Format(unixSeconds, ticksIntoSecond * TimeSpan.NanosecondsPerTick);
    }

    private static string Fraction(long nanoseconds) =>
        nanoseconds.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
}
