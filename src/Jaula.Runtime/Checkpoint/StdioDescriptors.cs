using System.Text.Json;
using Jaula.Linux;

namespace Jaula.Runtime.Checkpoint;

/// <summary>
/// descriptors.json in the images (runc's file and form: a JSON array of the init's fd 0, 1 and 2 link targets, e.g.
/// "pipe:[1234]", "/dev/null"). A pipe to the engine (conmon's stdout) is outside the dump: criu restores it only as
/// an inherited fd, so restore maps each recorded pipe to the same fd of its own (`--inherit-fd fd[N]:pipe:[...]`),
/// where the engine that runs restore gives the new pipes. Then a detached container's output reaches the engine
/// again after restore.
/// </summary>
public static class StdioDescriptors
{
    public const string FileName = "descriptors.json";

    /// <summary>Writes the init's stdio targets into the image directory (an fd that is closed is recorded as "").</summary>
    public static void Record(int pid, string imageDir)
    {
        using var stream = File.Create(Path.Combine(imageDir, FileName));
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartArray();
        for (int fd = 0; fd <= 2; fd++)
            json.WriteStringValue(Target(pid, fd));
        json.WriteEndArray();
    }

    /// <summary>The recorded targets; empty when the images have no descriptors.json (or an unreadable one).</summary>
    public static IReadOnlyList<string> Read(string imageDir)
    {
        string path = Path.Combine(imageDir, FileName);
        if (!File.Exists(path))
            return [];
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new JaulaException($"{path}: not a JSON array of the container's stdio targets");
            return doc.RootElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : "").ToList();
        }
        catch (JsonException e)
        {
            throw new JaulaException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The fds criu is to take from restore's own stdio: those that were pipes (runc maps only pipes), each pipe once
    /// (criu matches every fd of a file by its key; stdout and stderr are often the same pipe).
    /// </summary>
    public static IEnumerable<(int Fd, string Key)> Pipes(IReadOnlyList<string> recorded) =>
        recorded.Take(3).Select((target, fd) => (Fd: fd, Key: target))
            .Where(d => d.Key.StartsWith("pipe:", StringComparison.Ordinal))
            .DistinctBy(d => d.Key);

    private static string Target(int pid, int fd)
    {
        try
        {
            return Sys.ReadLink($"/proc/{pid}/fd/{fd}");
        }
        catch (ErrnoException)
        {
            return "";
        }
    }
}
