using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>`list` in its three shapes: table, ids only, JSON.</summary>
public sealed class ListTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void List_shows_every_container_in_each_format()
    {
        string[] ids = [NewId(), NewId()];
        foreach (string id in ids)
        {
            Jaula.Create(id, NewBundle("sleep", "60")).ShouldSucceed();
        }

        string table = Jaula.Invoke("list").ShouldSucceed().Stdout;
        ids.Should().OnlyContain(id => table.Contains(id));

        string quiet = Jaula.Invoke("list", "-q").ShouldSucceed().Stdout;
        quiet.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().BeEquivalentTo(ids);

        foreach (string[] format in new[] { new[] { "--format", "json" }, ["-f", "json"], ["--format=json"] })
        {
            string json = Jaula.Invoke(["list", .. format]).ShouldSucceed().Stdout;
            var listed = JsonNode.Parse(json)!.AsArray().Select(c => (string)c!["id"]!);
            listed.Should().BeEquivalentTo(ids, "`list {0}` lists both", string.Join(' ', format));
        }
    }
}
