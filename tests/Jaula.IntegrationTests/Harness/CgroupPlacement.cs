namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// Keeps containers out of the test process's own cgroups. With no cgroupsPath, runc creates the container's
/// cgroup below the caller's, and here the caller's memory cgroup belongs to the machine (/process_api), which must
/// never be touched. So when the binary under test manages cgroups (runc, or JAULA_TEST_CGROUPS_PARENT is set),
/// every bundle gets an absolute cgroupsPath below a parent of ours, removed when the run ends.
/// </summary>
public static class CgroupPlacement
{
    public const string ParentVariable = "JAULA_TEST_CGROUPS_PARENT";

    private static readonly Lazy<string?> s_parent = new(ChooseParent);

    public static void Apply(Bundle bundle)
    {
        if (s_parent.Value is { } parent)
        {
            bundle.Config["linux"] ??= new System.Text.Json.Nodes.JsonObject();
            bundle.Linux["cgroupsPath"] = $"{parent}/{Path.GetFileName(bundle.Dir)}";
        }
    }

    private static string? ChooseParent()
    {
        string? configured = Environment.GetEnvironmentVariable(ParentVariable);
        string? parent = !string.IsNullOrEmpty(configured) ? configured
            : Path.GetFileName(RepoPaths.Binary) == "runc" ? "/jaula-it"
            : null;
        if (parent is not null)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveParent(parent);
        }
        return parent;
    }

    /// <summary>The runtime removes each container's cgroup; only the empty parents are ours to remove.</summary>
    private static void RemoveParent(string parent)
    {
        foreach (string hierarchy in Directory.EnumerateDirectories("/sys/fs/cgroup"))
        {
            try
            {
                Directory.Delete(Path.Combine(hierarchy, parent.TrimStart('/')));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
