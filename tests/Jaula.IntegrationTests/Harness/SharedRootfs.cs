namespace Jaula.IntegrationTests.Harness;

/// <summary>The busybox rootfs, built once per test run by spec-fixtures/make-busybox-rootfs.sh and removed at exit.</summary>
public static class SharedRootfs
{
    private static readonly Lazy<string> s_path = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => s_path.Value;

    /// <summary>Each bundle gets its own copy (about 2 MB), so no test sees another's writes.</summary>
    public static void CopyTo(string destination)
    {
        Directory.CreateDirectory(destination);
        Shell.Run("/bin/cp", "-a", System.IO.Path.Combine(Path, "."), destination);
    }

    private static string Build()
    {
        string parent = Directory.CreateTempSubdirectory("jaula-it-rootfs-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(parent);
        string rootfs = System.IO.Path.Combine(parent, "rootfs");
        Shell.Run("/bin/bash", RepoPaths.RootfsScript, rootfs);
        return rootfs;
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
