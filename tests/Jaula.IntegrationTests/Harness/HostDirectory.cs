namespace Jaula.IntegrationTests.Harness;

/// <summary>A fresh host directory (a bind source, or the target a hostile rootfs aims at); removed afterwards.</summary>
public sealed class HostDirectory : IDisposable
{
    /// <param name="owner">"uid:gid" to chown it to, e.g. the host ids a user namespace maps root to.</param>
    public HostDirectory(string? owner = null)
    {
        Path = Directory.CreateTempSubdirectory("jaula-it-host-").FullName;
        if (owner is not null)
        {
            Shell.Run("/bin/chown", owner, Path);
        }
    }

    public string Path { get; }

    public string Name => System.IO.Path.GetFileName(Path);

    public IReadOnlyList<string> Entries => Directory.GetFileSystemEntries(Path);

    public void Dispose()
    {
        // Never recurse into a folder something is still mounted on: the leak check reports that instead.
        if (MountTable.Mentions(Path))
        {
            return;
        }
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
