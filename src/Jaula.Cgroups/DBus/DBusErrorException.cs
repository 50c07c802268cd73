namespace Jaula.Cgroups.DBus;

/// <summary>A method call was answered with an error reply: names the method, the D-Bus error name and its message.</summary>
public sealed class DBusErrorException(string method, string errorName, string errorMessage)
    : Exception($"{method}: {errorName}: {errorMessage}")
{
    public string Method { get; } = method;
    public string ErrorName { get; } = errorName;
    public string ErrorMessage { get; } = errorMessage;
}
