using Jaula.IntegrationTests.Harness;

namespace Jaula.Conformance.Tests.Engines;

/// <summary>
/// The temp directory an engine runs under (its config, storage, state and the tests' host directories), shared by
/// the podman, containerd and Docker engines.
/// </summary>
public static class EngineDirectory
{
    /// <summary>A new host directory for bind mounts and volumes inside <paramref name="dir"/>, removed with it.</summary>
    public static string NewHostDirectory(string dir)
    {
        string path = Path.Combine(dir, "host-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Lazily unmounts whatever the engine left mounted below <paramref name="dir"/> (deepest first), then removes it.</summary>
    public static void UnmountAndDelete(string dir)
    {
        foreach (string line in MountTable.LinesMentioning(dir).Reverse())
        {
            using var umount = RunningCommand.Start("/bin/umount", ["-l", line.Split(' ')[4]]);
            umount.Wait();
        }
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
