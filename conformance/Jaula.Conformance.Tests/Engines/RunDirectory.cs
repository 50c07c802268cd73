namespace Jaula.Conformance.Tests.Engines;

/// <summary>
/// A host directory that engines share and hard-code (containerd's shims put sockets and fifos in /run/containerd):
/// what is in it at construction is kept; what appeared since is removed, and the directory too if we made it.
/// </summary>
public sealed class RunDirectory(string path)
{
    private readonly bool _existed = Directory.Exists(path);
    private readonly HashSet<string> _before = Entries(path).ToHashSet();

    public void RemoveWhatWasAdded()
    {
        if (!Directory.Exists(path))
        {
            return;
        }
        if (!_existed)
        {
            Directory.Delete(path, recursive: true);
            return;
        }
        // Deepest first, so a directory is empty by the time it is removed.
        foreach (string entry in Entries(path).Where(e => !_before.Contains(e)).OrderByDescending(e => e.Length))
        {
            try
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static IEnumerable<string> Entries(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories) : [];
}
