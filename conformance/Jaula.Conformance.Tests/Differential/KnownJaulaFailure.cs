using System.Text.Json.Nodes;

namespace Jaula.Conformance.Tests.Differential;

/// <summary>
/// conformance/differential/jaula-known-failures.json: differences from runc that are jaula's, not fixed yet. They do
/// not fail a case, but each occurrence is printed as "KNOWN JAULA FAILURE" in the case's output and every entry is
/// listed in docs/CONFORMANCE.md; any other difference fails the case.
/// </summary>
public sealed record KnownJaulaFailure(string Case, string Section, string? Contains, string What)
{
    private static readonly Lazy<IReadOnlyList<KnownJaulaFailure>> s_all = new(Load);

    public static IReadOnlyList<KnownJaulaFailure> All => s_all.Value;

    public bool Covers(string caseName, string section, string line) =>
        (Case == "*" || Case == caseName) && Section == section && (Contains is null || line.Contains(Contains, StringComparison.Ordinal));

    private static IReadOnlyList<KnownJaulaFailure> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "differential", "jaula-known-failures.json");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(e => new KnownJaulaFailure(
            (string)e!["case"]!, (string)e["section"]!, (string?)e["contains"],
            (string?)e["what"] ?? throw new InvalidOperationException($"{path}: every known failure says what it is"))).ToList();
    }
}
