namespace Jaula.Oci;

/// <summary>Checks shared by every field that holds a path.</summary>
internal static class PathRules
{
    /// <summary>Reports a path that is not absolute or that climbs above "/" with "..".</summary>
    public static void RequireAbsolute(string? path, string field, string what, Problems problems)
    {
        if (string.IsNullOrEmpty(path))
        {
            problems.Add(field, $"must not be empty: give {what} as an absolute path");
        }
        else if (!path.StartsWith('/'))
        {
            problems.Add(field, $"must be an absolute path (starting with \"/\"), found \"{path}\"");
        }
        else
        {
            RejectClimbing(path, field, problems);
        }
    }

    /// <summary>Reports a path whose ".." components lead above the root it is resolved in.</summary>
    public static void RejectClimbing(string path, string field, Problems problems)
    {
        if (ClimbsAboveRoot(path))
        {
            problems.Add(field, $"\"{path}\" climbs above the container's root with \"..\": write the path without it");
        }
    }

    public static bool ClimbsAboveRoot(string path)
    {
        var depth = 0;
        foreach (var range in path.AsSpan().Split('/'))
        {
            var part = path.AsSpan()[range];
            if (part.SequenceEqual(".."))
            {
                depth--;
                if (depth < 0)
                {
                    return true;
                }
            }
            else if (!part.IsEmpty && !part.SequenceEqual("."))
            {
                depth++;
            }
        }
        return false;
    }
}
