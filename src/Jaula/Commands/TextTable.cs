using System.Text;

namespace Jaula.Cli.Commands;

/// <summary>Columns padded to their widest cell and separated by three spaces, like runc's tabwriter output.</summary>
public static class TextTable
{
    public static string Format(IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header.ToArray() };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Count).Select(c => all.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            for (int c = 0; c < row.Length; c++)
            {
                text.Append(c == row.Length - 1 ? row[c] : row[c].PadRight(widths[c] + 3));
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
