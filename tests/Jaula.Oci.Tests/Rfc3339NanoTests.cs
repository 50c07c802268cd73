namespace Jaula.Oci.Tests;

public class Rfc3339NanoTests
{
    [Theory]
    [InlineData(1795333668L, 123456789L, "2026-11-22T07:47:48.123456789Z")]
    [InlineData(1795333668L, 120000000L, "2026-11-22T07:47:48.12Z")]
    [InlineData(1795333668L, 1L, "2026-11-22T07:47:48.000000001Z")]
    [InlineData(1795333668L, 0L, "2026-11-22T07:47:48Z")]
    [InlineData(0L, 0L, "1970-01-01T00:00:00Z")]
    public void Seconds_and_nanoseconds_format_like_go_rfc3339nano(long seconds, long nanoseconds, string expected) =>
        Rfc3339Nano.Format(seconds, nanoseconds).Should().Be(expected);

    [Fact]
    public void DateTime_formats_in_utc_with_its_100ns_resolution()
    {
        var time = new DateTime(2026, 11, 22, 7, 47, 48, DateTimeKind.Utc).AddTicks(1234567);

        Rfc3339Nano.Format(time).Should().Be("2026-11-22T07:47:48.1234567Z");
    }

    [Fact]
    public void Nanoseconds_of_a_full_second_or_more_are_refused()
    {
        var act = () => Rfc3339Nano.Format(0, 1_000_000_000);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
