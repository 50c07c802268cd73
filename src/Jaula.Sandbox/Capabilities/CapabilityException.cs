namespace Jaula.Sandbox.Capabilities;

/// <summary>process.capabilities holds something that is not a capability; <see cref="Field"/> points at it.</summary>
public sealed class CapabilityException(string field, string cause) : Exception($"{field}: {cause}")
{
    /// <summary>e.g. "process.capabilities.bounding[2]".</summary>
    public string Field { get; } = field;

    public string Cause { get; } = cause;
}
