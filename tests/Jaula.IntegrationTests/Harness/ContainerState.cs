using System.Text.Json.Nodes;

namespace Jaula.IntegrationTests.Harness;

/// <summary>The parsed stdout of `state`.</summary>
public sealed record ContainerState(JsonObject Json)
{
    public string Id => (string)Json["id"]!;

    public string Status => (string)Json["status"]!;

    public int Pid => Json["pid"] is { } pid ? (int)pid : 0;

    public string Bundle => (string)Json["bundle"]!;

    public override string ToString() => Json.ToJsonString();
}
