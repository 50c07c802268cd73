using System.Text;
using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// Writes a new user namespace's uid_map and gid_map from the parent, which holds the privileges in the outer
/// namespace that the child lacks.
/// </summary>
public static class IdMapWriter
{
    public static void Write(int pid, IReadOnlyList<IdMapping>? uidMappings, IReadOnlyList<IdMapping>? gidMappings)
    {
        WriteMap(pid, "uid_map", "linux.uidMappings", uidMappings);
        WriteMap(pid, "gid_map", "linux.gidMappings", gidMappings);
    }

    public static string Format(IReadOnlyList<IdMapping> mappings)
    {
        var text = new StringBuilder();
        foreach (var m in mappings)
            text.Append(m.ContainerId).Append(' ').Append(m.HostId).Append(' ').Append(m.Size).Append('\n');
        return text.ToString();
    }

    private static void WriteMap(int pid, string file, string field, IReadOnlyList<IdMapping>? mappings)
    {
        if (mappings is null || mappings.Count == 0)
            throw JaulaException.ForField(field, "a new user namespace needs at least one mapping (e.g. 0 100000 65536)");
        string path = $"/proc/{pid}/{file}";
        try
        {
            Sys.WriteFile(path, Format(mappings));
        }
        catch (ErrnoException e)
        {
            throw JaulaException.ForField(field, $"{e.Message} (ranges must not overlap and each must have a size of at least 1)", e);
        }
    }
}
