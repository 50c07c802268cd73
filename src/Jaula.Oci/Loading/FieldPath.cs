namespace Jaula.Oci;

/// <summary>
/// Builds the JSON paths that name fields in errors, in the dotted form people write ("mounts[2].destination",
/// "linux.sysctl['net.ipv4.ip_forward']"), the same form System.Text.Json uses without its leading "$.".
/// </summary>
public static class FieldPath
{
    /// <summary>The path of a property of the object at <paramref name="parent"/> ("" is the document).</summary>
    public static string Property(string parent, string name)
    {
        if (IsPlainName(name))
        {
            return parent.Length == 0 ? name : parent + "." + name;
        }
        return parent + "['" + name + "']";
    }

    /// <summary>The path of an element of the array at <paramref name="parent"/>.</summary>
    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Turns System.Text.Json's "$.a.b[0]" into "a.b[0]" ("$" alone into "").</summary>
    public static string FromJsonPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "";
        }
        if (jsonPath.StartsWith("$.", StringComparison.Ordinal))
        {
            return jsonPath[2..];
        }
        return jsonPath.StartsWith('$') ? jsonPath[1..] : jsonPath;
    }

    private static readonly System.Buffers.SearchValues<char> PathSyntax =
        System.Buffers.SearchValues.Create("$. '/\"[]()\t\n\r\f\b\\\u0085\u2028\u2029");

    // Mirrors System.Text.Json: names with characters that would read as path syntax get the ['...'] form.
    private static bool IsPlainName(string name) =>
        name.Length > 0 && !name.AsSpan().ContainsAny(PathSyntax);
}
