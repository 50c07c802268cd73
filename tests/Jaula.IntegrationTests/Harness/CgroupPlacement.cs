namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// Keeps containers out of the test process's own cgroups. With no cgroupsPath, the runtime creates the container's
/// cgroup below the caller's, and here the caller's memory cgroup belongs to the machine (/process_api), which must
/// never be touched. So every bundle gets an absolute cgroupsPath of its own, /jaula-it/&lt;bundle&gt; (or below
/// JAULA_TEST_CGROUPS_PARENT), unless the test set one; the empty parents are removed when the run ends.
/// </summary>
public static class CgroupPlacement
{
    public const string ParentVariable = "JAULA_TEST_CGROUPS_PARENT";

    public const string Hierarchies = "/sys/fs/cgroup";

    private static readonly Lazy<string> s_parent = new(ChooseParent);

    public static string Parent => s_parent.Value;

    public static void Apply(Bundle bundle)
    {
        bundle.Config["linux"] ??= new System.Text.Json.Nodes.JsonObject();
        bundle.Linux["cgroupsPath"] ??= $"{Parent}/{Path.GetFileName(bundle.Dir)}";
    }

    /// <summary>The bundle's absolute cgroupsPath; null if it has none (a config the test wrote by hand).</summary>
    public static string? PathOf(Bundle bundle) =>
        bundle.Config["linux"]?["cgroupsPath"]?.GetValue<string>() is { } path && path.StartsWith('/') ? path : null;

    /// <summary>The directory of an absolute cgroup path in every mounted hierarchy (v1 controllers and the cgroup2 mount).</summary>
    public static IEnumerable<string> DirectoriesOf(string cgroupPath) =>
        Directory.EnumerateDirectories(Hierarchies)
            .Where(h => !File.GetAttributes(h).HasFlag(FileAttributes.ReparsePoint))
            .Select(h => h + cgroupPath);

    private static string ChooseParent()
    {
        string? configured = Environment.GetEnvironmentVariable(ParentVariable);
        string parent = !string.IsNullOrEmpty(configured) ? configured : "/jaula-it";
        if (!parent.StartsWith('/') || parent.Split('/').Contains("..") || parent.Contains("process_api"))
            throw new InvalidOperationException($"{ParentVariable}={parent}: must be an absolute path of our own");
        string[] enabledBefore = UnifiedRootControllers();
        SweepOrphans(parent);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            RemoveParent(parent);
            RestoreUnifiedRoot(enabledBefore);
        };
        return parent;
    }

    private const string UnifiedSubtreeControl = Hierarchies + "/unified/cgroup.subtree_control";

    private static string[] UnifiedRootControllers() =>
        File.Exists(UnifiedSubtreeControl) ? File.ReadAllText(UnifiedSubtreeControl).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];

    /// <summary>Containers with hugepage limits enable hugetlb in the hybrid host's cgroup2 root; the run leaves it as it found it.</summary>
    private static void RestoreUnifiedRoot(string[] enabledBefore)
    {
        foreach (string controller in UnifiedRootControllers().Except(enabledBefore))
        {
            try
            {
                File.WriteAllText(UnifiedSubtreeControl, "-" + controller);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>
    /// A test host killed mid-test (a timeout, a SIGKILL) cannot clean up: its containers' cgroups stay under our
    /// parent. Removes those of bundles that no longer exist, once they hold no process; nothing else is touched.
    /// </summary>
    private static void SweepOrphans(string parent)
    {
        foreach (string hierarchy in DirectoriesOf(parent).Where(Directory.Exists))
        {
            foreach (string cgroup in Directory.EnumerateDirectories(hierarchy, "jaula-it-bundle-*"))
            {
                bool bundleGone = !Directory.Exists(Path.Combine(Path.GetTempPath(), Path.GetFileName(cgroup)));
                string procs = Path.Combine(cgroup, "cgroup.procs");
                if (bundleGone && File.Exists(procs) && File.ReadAllText(procs).Length == 0)
                {
                    try
                    {
                        Directory.Delete(cgroup);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                    }
                }
            }
        }
    }

    /// <summary>The runtime removes each container's cgroup; only the empty parents are ours to remove.</summary>
    private static void RemoveParent(string parent)
    {
        foreach (string dir in DirectoriesOf(parent))
        {
            try
            {
                Directory.Delete(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
