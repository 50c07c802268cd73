namespace Jaula.Diagnostics;

/// <summary>
/// The host's files as the checks read them: /proc, /sys, /etc and PATH under a root, so that unit tests can lay out
/// a fake host in a temporary directory.
/// </summary>
public sealed class HostView(string root = "/", string? searchPath = null)
{
    private readonly string _searchPath = searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin";

    public string PathOf(string absolute) => Path.Join(root, absolute);

    public bool Exists(string absolute) => File.Exists(PathOf(absolute)) || Directory.Exists(PathOf(absolute));

    /// <summary>The file's text, or null when it cannot be read (absent, or a permission the caller lacks).</summary>
    public string? Read(string absolute)
    {
        try
        {
            return File.ReadAllText(PathOf(absolute));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public string[] ReadLines(string absolute) =>
        Read(absolute)?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>The first executable called <paramref name="name"/> on PATH, or null.</summary>
    public string? FindProgram(string name) =>
        _searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Join(dir, name))
            .FirstOrDefault(candidate => File.Exists(PathOf(candidate)));

    /// <summary>A "Key:\tvalue" line of a /proc status file.</summary>
    public string? StatusField(string statusFile, string key) =>
        ReadLines(statusFile).Where(l => l.StartsWith(key + ":", StringComparison.Ordinal))
            .Select(l => l[(key.Length + 1)..].Trim()).FirstOrDefault();
}
