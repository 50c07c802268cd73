using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>`--log F --log-format json`: errors are appended to F as JSON lines (containerd reads the last one).</summary>
public sealed class LogFileTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_error_is_appended_to_the_log_as_a_json_line(bool equalsForm)
    {
        string id = NewId();
        string log = Path.Combine(StateRoot.Sandbox, $"log-{id}.json");
        File.WriteAllText(log, "");
        string[] logFlags = equalsForm ? [$"--log={log}", "--log-format=json"] : ["--log", log, "--log-format", "json"];

        Jaula.InvokeRaw([.. logFlags, "--root", Jaula.Root, "state", id]).ShouldFailWith("container does not exist");

        JsonObject[] errors = File.ReadAllLines(log).Where(l => l.Length > 0)
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(e => (string?)e["level"] == "error")
            .ToArray();
        errors.Should().ContainSingle();
        ((string)errors[0]["msg"]!).Should().ContainEquivalentOf("container does not exist");
        DateTimeOffset.TryParse((string)errors[0]["time"]!, out _).Should().BeTrue("time is RFC 3339");
        File.Delete(log);
    }
}
