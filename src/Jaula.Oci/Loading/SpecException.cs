namespace Jaula.Oci;

/// <summary>
/// A config.json that cannot be used: unreadable, not JSON, the wrong shape, or against a rule of the spec.
/// The message names the file, the field and the cause, e.g.
/// "bundle/config.json: process.args: must not be empty: ...".
/// </summary>
public sealed class SpecException : Exception
{
    public SpecException(string file, string field, string cause, Exception? innerException = null)
        : base(Compose(file, field, cause), innerException)
    {
        File = file;
        Field = field;
        Cause = cause;
    }

    /// <summary>The document's path or name, as given to the loader.</summary>
    public string File { get; }

    /// <summary>JSON path of the offending value, e.g. "mounts[2].destination"; "" for the document itself.</summary>
    public string Field { get; }

    /// <summary>What is wrong, without the file and field.</summary>
    public string Cause { get; }

    private static string Compose(string file, string field, string cause) =>
        field.Length == 0 ? $"{file}: {cause}" : $"{file}: {field}: {cause}";
}
