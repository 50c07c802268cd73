using System.Text.RegularExpressions;

namespace Jaula.Runtime;

/// <summary>
/// Container ids become directory names under the state root, so only a safe charset is accepted
/// (runc's: letters, digits, '_', '+', '-', '.'), never "." or "..", and at most 200 characters: a directory name
/// may have 255 bytes, and the state store decorates the id while reserving it.
/// </summary>
public static partial class ContainerId
{
    public const int MaxLength = 200;

    [GeneratedRegex("^[A-Za-z0-9_+.-]+$")]
    private static partial Regex SafeCharset();

    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && id is not "." and not ".." && SafeCharset().IsMatch(id);

    public static void Validate(string? id)
    {
        if (IsValid(id))
            return;
        string shown = id is null ? "(none)" : id.Length > 64 ? $"\"{id[..64]}...\" ({id.Length} characters)" : $"\"{id}\"";
        throw new JaulaException(
            $"invalid container id {shown}: use 1 to {MaxLength} of the characters A-Z a-z 0-9 _ + - . (not \".\" or \"..\")");
    }
}
