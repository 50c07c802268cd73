using Jaula.Oci;

namespace Jaula.Sandbox.Process;

/// <summary>
/// Per-thread attributes the process inherits through execve: scheduler, I/O priority, memory policy (set here, while
/// the init still has its capabilities, on the thread that will exec) and the personality (checked here, set last).
/// </summary>
public static class ProcessAttributes
{
    public static void Apply(Spec spec)
    {
        Scheduler.Apply(spec.Process?.Scheduler);
        IoPriority.Apply(spec.Process?.IoPriority);
        MemoryPolicy.Apply(spec.Linux?.MemoryPolicy);
        Personality.Check(spec.Linux?.Personality);
    }
}
