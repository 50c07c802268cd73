namespace Jaula.Oci;

/// <summary>The status values of runtime.md "State".</summary>
public static class ContainerStatus
{
    public const string Creating = "creating";
    public const string Created = "created";
    public const string Running = "running";
    public const string Stopped = "stopped";
}
