namespace Jaula.IntegrationTests.Harness;

/// <summary>Locations the suite depends on: the repository, the shared spec folder and the binary under test.</summary>
public static class RepoPaths
{
    public const string BinaryVariable = "JAULA_BINARY";

    private static readonly Lazy<string> s_repoRoot = new(FindRepoRoot);

    public static string RepoRoot => s_repoRoot.Value;

    public static string RootfsScript => Path.Combine(RepoRoot, "spec-fixtures", "make-busybox-rootfs.sh");

    /// <summary>The binary under test; a missing binary fails the test, it never skips it.</summary>
    public static string Binary
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable(BinaryVariable);
            string path = string.IsNullOrEmpty(configured)
                ? Path.Combine(RepoRoot, "artifacts", "publish", "jaula")
                : Path.GetFullPath(configured);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"binary under test not found: {path} (publish it with scripts/build.sh or set {BinaryVariable})");
            }
            return path;
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Runtime.sln")) || Directory.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no repository root (Runtime.sln or .git) above {AppContext.BaseDirectory}");
    }
}
