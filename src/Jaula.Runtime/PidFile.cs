using System.Globalization;

namespace Jaula.Runtime;

/// <summary>Engines parse the pid file strictly: decimal digits, no newline, and never a half-written file.</summary>
public static class PidFile
{
    public static void Write(string path, int pid)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllText(temp, pid.ToString(CultureInfo.InvariantCulture));
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { }
            throw new JaulaException($"--pid-file {full}: {e.Message}", e);
        }
    }
}
