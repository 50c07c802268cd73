using System.Text.Json;

namespace Jaula.Oci;

/// <summary>Reads a bundle's config.json into a <see cref="Spec"/>, turning every failure into a <see cref="SpecException"/>.</summary>
public static class SpecLoader
{
    public const string ConfigFileName = "config.json";

    /// <summary>Reads, parses and validates &lt;bundleDir&gt;/config.json.</summary>
    public static Spec Load(string bundleDir)
    {
        var file = Path.Combine(bundleDir, ConfigFileName);
        return Parse(ReadFile(file), file);
    }

    /// <summary>Parses and validates a config document; <paramref name="sourceName"/> names it in errors.</summary>
    public static Spec Parse(ReadOnlySpan<byte> utf8, string sourceName)
    {
        var spec = Deserialize(utf8, sourceName);
        var problems = SpecValidator.Validate(spec);
        if (problems.Count > 0)
        {
            throw FirstProblem(problems, sourceName);
        }
        return spec;
    }

    /// <summary>
    /// Parses a config document without checking the spec's rules: only JSON syntax and the types of the
    /// fields. For tools that must accept configs meant for other platforms or for later operations.
    /// </summary>
    public static Spec Deserialize(ReadOnlySpan<byte> utf8, string sourceName)
    {
        utf8 = WithoutByteOrderMark(utf8);
        ThrowIfNotUtf8(utf8, sourceName);
        JsonSyntaxCheck.ThrowIfInvalid(utf8, sourceName);
        JsonValueCheck.ThrowIfUnfaithful(utf8, sourceName);
        // The reader takes the documents it is sure of without building the serializer's metadata; the serializer
        // takes (or refuses, and words why) the rest.
        if (SpecReader.TryRead(utf8) is { } read)
            return read;
        Spec? spec;
        try
        {
            spec = JsonSerializer.Deserialize(utf8, OciJsonContext.Default.Spec);
        }
        catch (JsonException e)
        {
            throw JsonShapeError.ToSpecException(e, utf8, sourceName);
        }
        return spec ?? throw new SpecException(sourceName, "", "expected a JSON object, found null");
    }

    /// <summary>
    /// The JSON reader does not check the bytes inside strings, and decoding a bad one later throws something other
    /// than a JsonException (found by the fuzz test): refuse such a document here, with the offset.
    /// </summary>
    private static void ThrowIfNotUtf8(ReadOnlySpan<byte> utf8, string sourceName)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return;
        }
        throw new SpecException(sourceName, "", $"is not valid UTF-8 (byte offset {FirstInvalidByte(utf8)})");
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        Span<char> scratch = stackalloc char[256];
        int offset = 0;
        while (offset < utf8.Length)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(utf8[offset..], scratch, out int read, out _, replaceInvalidSequences: false);
            offset += read;
            if (status == System.Buffers.OperationStatus.InvalidData || status == System.Buffers.OperationStatus.NeedMoreData)
            {
                return offset;
            }
        }
        return offset;
    }

    private static byte[] ReadFile(string file)
    {
        if (Directory.Exists(file))
        {
            throw new SpecException(file, "", "is a directory, not a file");
        }
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SpecException(file, "",
                "no such file: is the bundle path right? (-b/--bundle, default: the current directory)", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SpecException(file, "", "permission denied: the file must be readable by the caller", e);
        }
        catch (IOException e)
        {
            throw new SpecException(file, "", "cannot be read: " + e.Message, e);
        }
    }

    private static SpecException FirstProblem(IReadOnlyList<SpecProblem> problems, string sourceName)
    {
        var first = problems[0];
        var more = problems.Count - 1;
        var cause = more switch
        {
            0 => first.Message,
            1 => first.Message + " (and 1 more problem)",
            _ => first.Message + $" (and {more} more problems)",
        };
        return new SpecException(sourceName, first.Field, cause);
    }

    private static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> utf8) =>
        utf8.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8;
}
