namespace Jaula.Oci;

/// <summary>
/// The caller's effective uid and gid, read from /proc/self/status so that this library stays free of native
/// calls (the "Uid:" and "Gid:" lines list real, effective, saved and filesystem ids).
/// </summary>
internal static class CallerIds
{
    private const string StatusFile = "/proc/self/status";

    public static (uint Uid, uint Gid) Effective()
    {
        uint? uid = null, gid = null;
        foreach (var line in File.ReadLines(StatusFile))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                uid = SecondField(line);
            }
            else if (line.StartsWith("Gid:", StringComparison.Ordinal))
            {
                gid = SecondField(line);
            }
        }
        if (uid is null || gid is null)
        {
            throw new InvalidOperationException($"{StatusFile} has no Uid: or Gid: line; is /proc mounted?");
        }
        return (uid.Value, gid.Value);
    }

    private static uint SecondField(string line) =>
        uint.Parse(line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[2]);
}
