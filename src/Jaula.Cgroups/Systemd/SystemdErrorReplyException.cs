namespace Jaula.Cgroups.Systemd;

/// <summary>systemd answered a call with an error reply: names the method, the D-Bus error name and its message.</summary>
public sealed class SystemdErrorReplyException(string method, string errorName, string errorMessage, Exception? inner = null)
    : Exception($"{method}: {errorName}: {errorMessage}", inner)
{
    public string Method { get; } = method;
    public string ErrorName { get; } = errorName;
    public string ErrorMessage { get; } = errorMessage;
}
