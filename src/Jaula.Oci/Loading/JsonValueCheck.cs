using System.Text;
using System.Text.Json;

namespace Jaula.Oci;

/// <summary>
/// Refuses, by field, values the model cannot carry faithfully to the kernel, before anything reads them:
/// a string holding a NUL character (the kernel reads C strings, so "ab\u0000cd" would become "ab" — a hostname, a
/// mount destination, an env entry that silently differs from config.json), and a null entry in an array (no rule or
/// step expects one). Annotations may hold NUL: they only travel as JSON (state, hooks), never as C strings.
/// </summary>
public static class JsonValueCheck
{
    private const string Annotations = "annotations";

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public int Index { get; set; }
        public string Name { get; set; } = "";
    }

    /// <summary>Throws a <see cref="SpecException"/> naming the first such value; the document is valid JSON.</summary>
    public static void ThrowIfUnfaithful(ReadOnlySpan<byte> utf8, string sourceName, string rootField = "")
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var frames = new List<Frame>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                    continue; // the element is complete only at its end
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    break;
                case JsonTokenType.PropertyName:
                    string name = reader.GetString()!;
                    frames[^1].Name = name;
                    if (name.Contains('\0') && !InAnnotations(frames, rootField))
                        throw NulInName(sourceName, frames, rootField);
                    continue;
                case JsonTokenType.Null when frames.Count > 0 && frames[^1].IsArray:
                    throw new SpecException(sourceName, PathOf(frames, rootField),
                        "must not be null: remove the entry or give a value");
                case JsonTokenType.String when reader.ValueIsEscaped && HoldsNul(ref reader) && !InAnnotations(frames, rootField):
                    throw new SpecException(sourceName, PathOf(frames, rootField),
                        "must not contain a NUL character (\\u0000): the kernel would cut the value there");
            }
            if (frames.Count > 0 && frames[^1].IsArray)
                frames[^1].Index++;
        }
    }

    // NUL can only be written as an escape (JSON forbids raw control characters), so unescaped strings are skipped.
    private static bool HoldsNul(ref Utf8JsonReader reader) => reader.GetString()!.Contains('\0');

    private static bool InAnnotations(List<Frame> frames, string rootField) =>
        rootField.Length == 0 && frames.Count >= 2 && frames[0].Name == Annotations;

    private static SpecException NulInName(string sourceName, List<Frame> frames, string rootField) =>
        new(sourceName, PathOf(frames, rootField),
            "the name must not contain a NUL character (\\u0000): the kernel would cut it there");

    private static string PathOf(List<Frame> frames, string rootField)
    {
        string path = rootField;
        foreach (var frame in frames)
        {
            path = frame.IsArray ? FieldPath.Index(path, frame.Index) : FieldPath.Property(path, Shown(frame.Name));
        }
        return path;
    }

    private static string Shown(string name) => name.Replace("\0", "\\u0000", StringComparison.Ordinal);
}
