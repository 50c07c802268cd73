using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// Config this build cannot honour yet is refused with a clear error rather than silently ignored: a container that
/// runs without the seccomp filter or the limits it asked for is worse than one that does not start.
/// </summary>
public static class UnsupportedFeatures
{
    public static void Reject(Spec spec, CreateOptions options, IRuntimeLog log)
    {
        TerminalRules.Check(spec, options);
        SecurityLabelCheck.Run(spec);
    }
}
