namespace Jaula.Conformance.Tests.Engines;

/// <summary>A cgroup parent of the tests' own (e.g. /jaula-docker-ab12), in every hierarchy of the host.</summary>
public static class HostCgroupTree
{
    /// <summary>The parent's directory in each hierarchy (v1 controllers and the unified one) where it exists.</summary>
    public static IEnumerable<string> Directories(string parent) =>
        Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => h + parent).Where(Directory.Exists);

    /// <summary>Removes the parent and everything below it, deepest first; a cgroup still holding a process stays.</summary>
    public static void Remove(string parent)
    {
        if (!parent.StartsWith('/') || parent.Length < 2)
        {
            throw new ArgumentException($"not an absolute cgroup parent of our own: '{parent}'", nameof(parent));
        }
        foreach (string dir in Directories(parent).ToList())
        {
            foreach (string sub in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).Reverse().Append(dir))
            {
                try
                {
                    Directory.Delete(sub);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
    }
}
