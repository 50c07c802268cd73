namespace Jaula.IntegrationTests.Harness;

/// <summary>The host's mount table, as the test process sees it.</summary>
public static class MountTable
{
    public static IReadOnlyList<string> LinesMentioning(string path) =>
        File.ReadAllLines("/proc/self/mountinfo").Where(line => line.Contains(path, StringComparison.Ordinal)).ToList();

    public static bool Mentions(string path) => LinesMentioning(path).Count > 0;
}
