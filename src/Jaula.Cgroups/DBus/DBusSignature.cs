namespace Jaula.Cgroups.DBus;

/// <summary>Signature and name rules of the D-Bus specification that the client checks.</summary>
public static class DBusSignature
{
    /// <summary>The alignment of a value whose signature starts with <paramref name="code"/>.</summary>
    public static int AlignmentOf(char code) => code switch
    {
        'y' or 'g' or 'v' => 1,
        'n' or 'q' => 2,
        'b' or 'i' or 'u' or 's' or 'o' or 'a' or 'h' => 4,
        'x' or 't' or 'd' or '(' or '{' => 8,
        _ => throw new DBusProtocolException($"unknown type code '{code}' in a signature"),
    };

    /// <summary>The end (exclusive) of the single complete type that starts at <paramref name="start"/>.</summary>
    public static int EndOfCompleteType(string signature, int start, int depth = 0)
    {
        if (depth > 64)
            throw new DBusProtocolException($"signature \"{signature}\" nests too deep");
        if (start >= signature.Length)
            throw new DBusProtocolException($"signature \"{signature}\" ends inside a type");
        char c = signature[start];
        switch (c)
        {
            case 'a':
                return EndOfCompleteType(signature, start + 1, depth + 1);
            case '(':
            case '{':
            {
                char close = c == '(' ? ')' : '}';
                int i = start + 1;
                while (i < signature.Length && signature[i] != close)
                    i = EndOfCompleteType(signature, i, depth + 1);
                if (i >= signature.Length || i == start + 1)
                    throw new DBusProtocolException($"signature \"{signature}\": unclosed or empty '{c}'");
                return i + 1;
            }
            default:
                AlignmentOf(c);
                return start + 1;
        }
    }

    /// <summary>"/" or "/a/b_c": elements of [A-Za-z0-9_], no empty element, no trailing slash.</summary>
    public static bool IsObjectPath(string path)
    {
        if (path == "/")
            return true;
        if (!path.StartsWith('/') || path.EndsWith('/'))
            return false;
        foreach (string element in path[1..].Split('/'))
        {
            if (element.Length == 0 || !element.All(ch => ch is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
                return false;
        }
        return true;
    }
}
