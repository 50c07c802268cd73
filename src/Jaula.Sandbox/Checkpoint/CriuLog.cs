namespace Jaula.Sandbox.Checkpoint;

/// <summary>criu's reason for a failure, from its log file (checkpoint, restore and `jaula check` quote it).</summary>
public static class CriuLog
{
    /// <summary>criu's first "Error" line (the cause; later ones are consequences), without its timestamp; else the last line.</summary>
    public static string Reason(string logPath)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(logPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"criu wrote no log ({e.Message})";
        }
        string? line = lines.FirstOrDefault(l => l.Contains("Error", StringComparison.Ordinal))
            ?? lines.LastOrDefault(l => l.Trim().Length > 0);
        if (line is null)
            return "criu's log is empty";
        line = line.Trim();
        // "(00.012345) Error (criu/vdso.c:123): vdso: ..." -> "Error (criu/vdso.c:123): vdso: ..."
        if (line.StartsWith('(') && line.IndexOf(") ", StringComparison.Ordinal) is int end and > 0)
            line = line[(end + 2)..];
        return line;
    }
}
