using System.Text.RegularExpressions;

namespace Jaula.Conformance.Tests.Differential;

/// <summary>
/// What one container saw (the observer's report, by section) plus what the host saw of its cgroups, with everything
/// that differs between two runs for reasons other than the runtime replaced by placeholders.
/// </summary>
public sealed partial class Observation
{
    private readonly SortedDictionary<string, List<string>> _sections = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, List<string>> Sections => _sections;

    /// <summary>A run that failed before the observer reported: its exit code only (messages differ by design).</summary>
    public static Observation Failed(int exitCode)
    {
        var observation = new Observation();
        observation.Add("outcome", $"failed with exit code {exitCode}");
        return observation;
    }

    /// <param name="placeholders">Host paths and names that differ per run, each with the token to show instead.</param>
    public static Observation Parse(string report, IReadOnlyList<(string Value, string Token)> placeholders, IReadOnlyDictionary<string, string> hostNamespaces)
    {
        var observation = new Observation();
        observation.Add("outcome", "ran");
        string section = "preamble";
        foreach (string raw in report.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw.StartsWith("## ", StringComparison.Ordinal))
            {
                section = raw[3..];
                continue;
            }
            string line = raw;
            foreach ((string value, string token) in placeholders)
            {
                line = line.Replace(value, token, StringComparison.Ordinal);
            }
            line = section switch
            {
                "mountinfo" => NormaliseMountinfo(line),
                "namespaces" => NormaliseNamespace(line, hostNamespaces),
                _ => line,
            };
            observation.Add(section, line);
        }
        return observation;
    }

    public void Add(string section, string line)
    {
        if (!_sections.TryGetValue(section, out List<string>? lines))
        {
            _sections[section] = lines = [];
        }
        lines.Add(line);
    }

    /// <summary>
    /// "36 35 98:0 /root /mnt rw,noatime master:1 - ext3 /dev/root rw,errors=continue" keeps the mount point, its
    /// options, the propagation kinds without their peer-group numbers, the type, source, super options and the root
    /// of the mount; mount ids and device numbers are per boot and per run.
    /// </summary>
    public static string NormaliseMountinfo(string line)
    {
        string[] halves = line.Split(" - ", 2);
        string[] pre = halves[0].Split(' ');
        if (pre.Length < 6 || halves.Length < 2)
        {
            return line;
        }
        string propagation = string.Join(',', pre.Skip(6).Select(f => f.Split(':')[0]).DefaultIfEmpty("private"));
        string post = SizeUnits().Replace(halves[1], "$1");
        return $"{pre[4]} {pre[5]} [{propagation}] {post} root={pre[3]}";
    }

    private static string NormaliseNamespace(string line, IReadOnlyDictionary<string, string> hostNamespaces)
    {
        string[] parts = line.Split(' ', 2);
        if (parts.Length < 2)
        {
            return line;
        }
        string where = hostNamespaces.TryGetValue(parts[0], out string? host) && host == parts[1] ? "host's" : "its own";
        return $"{parts[0]} {where}";
    }

    [GeneratedRegex(@"(size=\d+k)")]
    private static partial Regex SizeUnits();
}
