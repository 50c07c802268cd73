namespace Jaula.Runtime;

/// <summary>
/// An error a user can act on. The message names the config field (as a JSON path) or the file, and the cause;
/// the CLI prefixes the command and the container id.
/// </summary>
public class JaulaException : Exception
{
    public JaulaException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>An error about one field of config.json, e.g. <c>mounts[2]</c>.</summary>
    public static JaulaException ForField(string field, string cause, Exception? inner = null) =>
        new($"{field}: {cause}", inner);
}

/// <summary>The id names no container in the state root. The text is runc's; engines match it.</summary>
public sealed class ContainerNotFoundException(string id) : JaulaException("container does not exist")
{
    public string Id { get; } = id;
}
