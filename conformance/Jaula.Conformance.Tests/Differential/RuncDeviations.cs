using System.Text.Json.Nodes;

namespace Jaula.Conformance.Tests.Differential;

/// <summary>
/// conformance/differential/runc-deviations.json: the differences from runc that are runc's fault (or the host's),
/// each with the spec clause that says so. A difference not listed there fails the case. Section "*" covers the whole
/// observation: a case runc cannot run at all.
/// </summary>
public sealed record RuncDeviation(string Case, string Section, string? Contains, string Clause)
{
    private static readonly Lazy<IReadOnlyList<RuncDeviation>> s_all = new(Load);

    public static IReadOnlyList<RuncDeviation> All => s_all.Value;

    public bool Covers(string caseName, string section, string line) =>
        (Case == "*" || Case == caseName) && (Section == "*" || Section == section) && (Contains is null || line.Contains(Contains, StringComparison.Ordinal));

    private static IReadOnlyList<RuncDeviation> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "differential", "runc-deviations.json");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(e => new RuncDeviation(
            (string)e!["case"]!, (string)e["section"]!, (string?)e["contains"],
            (string?)e["clause"] ?? throw new InvalidOperationException($"{path}: every deviation needs its spec clause"))).ToList();
    }
}
