namespace Jaula.Oci;

/// <summary>Just enough of SemVer 2.0.0 to check a version string and read its major number.</summary>
internal static class SemVer
{
    public static bool TryGetMajor(string version, out int major)
    {
        major = 0;
        var core = version.AsSpan();
        var suffix = core.IndexOfAny('-', '+');
        if (suffix >= 0)
        {
            if (!IsValidSuffix(core[(suffix + 1)..]))
            {
                return false;
            }
            core = core[..suffix];
        }
        Span<Range> parts = stackalloc Range[4];
        if (core.Split(parts, '.') != 3)
        {
            return false;
        }
        foreach (var part in parts[..3])
        {
            if (!IsNumericIdentifier(core[part]))
            {
                return false;
            }
        }
        return int.TryParse(core[parts[0]], out major);
    }

    private static bool IsNumericIdentifier(ReadOnlySpan<char> text) =>
        !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9') && (text.Length == 1 || text[0] != '0');

    // Pre-release and build parts: dot-separated non-empty identifiers of [0-9A-Za-z-] (and '+' once, for build).
    private static bool IsValidSuffix(ReadOnlySpan<char> text)
    {
        foreach (var range in text.SplitAny('.', '+'))
        {
            var identifier = text[range];
            if (identifier.IsEmpty)
            {
                return false;
            }
            foreach (var c in identifier)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }
        return true;
    }
}
