using System.Text;

namespace Jaula.Cli.Logging;

/// <summary>
/// The one place that keeps error and warning lines short, whatever value a config held: each quoted value and each
/// unbroken run of characters (a field path with a 100 KB map key) is cut to <see cref="MaxValue"/> characters with an
/// ellipsis, and the line as a whole to <see cref="MaxLine"/>. Rules and steps may then echo values freely.
/// </summary>
public static class ValueExcerpts
{
    public const int MaxValue = 200;
    public const int MaxLine = 1000;
    private const string Ellipsis = "…";

    // A quoted value already cut keeps its quote and ellipsis: runs get a little room so they are not cut twice.
    private const int RunSlack = 8;

    public static string Shorten(string line)
    {
        if (line.Length <= MaxValue)
            return line;
        string shortened = CutRuns(CutQuoted(line));
        return shortened.Length <= MaxLine ? shortened : shortened[..MaxLine] + Ellipsis;
    }

    /// <summary>"..." spans longer than the limit keep their start, an ellipsis and the closing quote.</summary>
    private static string CutQuoted(string line)
    {
        var result = new StringBuilder(Math.Min(line.Length, 4 * MaxLine));
        int at = 0;
        while (at < line.Length)
        {
            int open = line.IndexOf('"', at);
            int close = open < 0 ? -1 : line.IndexOf('"', open + 1);
            if (close < 0)
            {
                result.Append(line, at, line.Length - at);
                break;
            }
            result.Append(line, at, open + 1 - at);
            AppendCut(result, line, open + 1, close - open - 1, MaxValue);
            result.Append('"');
            at = close + 1;
        }
        return result.ToString();
    }

    /// <summary>Runs without whitespace longer than the limit keep their start and an ellipsis.</summary>
    private static string CutRuns(string line)
    {
        var result = new StringBuilder(line.Length);
        int at = 0;
        while (at < line.Length)
        {
            int end = at;
            while (end < line.Length && !char.IsWhiteSpace(line[end]))
                end++;
            AppendCut(result, line, at, end - at, MaxValue + RunSlack);
            int spaceEnd = end;
            while (spaceEnd < line.Length && char.IsWhiteSpace(line[spaceEnd]))
                spaceEnd++;
            result.Append(line, end, spaceEnd - end);
            at = spaceEnd;
        }
        return result.ToString();
    }

    private static void AppendCut(StringBuilder result, string line, int start, int length, int limit)
    {
        if (length <= limit)
        {
            result.Append(line, start, length);
            return;
        }
        int keep = MaxValue;
        if (char.IsHighSurrogate(line[start + keep - 1]))
            keep--; // never split a surrogate pair
        result.Append(line, start, keep).Append(Ellipsis).Append($" ({length} characters)");
    }
}
