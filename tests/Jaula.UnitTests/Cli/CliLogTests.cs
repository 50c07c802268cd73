using System.Text.Json;
using FluentAssertions;
using Jaula.Cli.Logging;
using Xunit;

namespace Jaula.UnitTests.Cli;

public class CliLogTests
{
    [Fact]
    public void Json_lines_are_what_containerd_s_shim_reads()
    {
        var line = new CliLog(null, json: true, debug: false).Format("error", "create c1: \"quoted\"\nnewline", new DateTime(2026, 11, 22, 4, 34, 5, DateTimeKind.Utc));
        line.Should().EndWith("\n").And.NotContain("\n\n");
        using var doc = JsonDocument.Parse(line);
        doc.RootElement.GetProperty("level").GetString().Should().Be("error");
        doc.RootElement.GetProperty("msg").GetString().Should().Be("create c1: \"quoted\"\nnewline");
        doc.RootElement.GetProperty("time").GetString().Should().Be("2026-11-22T04:34:05Z");
    }

    [Fact]
    public void Text_lines_look_like_logrus()
    {
        var line = new CliLog(null, json: false, debug: false).Format("warning", "x \"y\"", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        line.Should().Be("time=\"2026-01-02T03:04:05Z\" level=warning msg=\"x \\\"y\\\"\"\n");
    }

    [Fact]
    public void Errors_are_appended_to_the_log_file()
    {
        string file = Path.GetTempFileName();
        try
        {
            var log = new CliLog(file, json: true, debug: false);
            log.Error("first");
            log.Error("second");
            var lines = File.ReadAllLines(file);
            lines.Should().HaveCount(2);
            JsonDocument.Parse(lines[1]).RootElement.GetProperty("msg").GetString().Should().Be("second");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
