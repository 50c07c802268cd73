namespace Jaula.Sandbox;

/// <summary>A step of building the container failed; <see cref="Field"/> is the config field to blame, if any.</summary>
public sealed class ContainerSetupException(string? field, string message, Exception? inner = null)
    : Exception(field is null ? message : $"{field}: {message}", inner)
{
    public string? Field { get; } = field;
    public string Cause { get; } = message;
}
