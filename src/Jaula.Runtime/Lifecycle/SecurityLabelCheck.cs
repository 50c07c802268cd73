using Jaula.Oci;
using Jaula.Sandbox;
using Jaula.Sandbox.Lsm;

namespace Jaula.Runtime.Lifecycle;

/// <summary>LSM labels the host cannot apply fail `create` before anything is made (see <see cref="SecurityLabels"/>).</summary>
internal static class SecurityLabelCheck
{
    public static void Run(Spec spec)
    {
        if (string.IsNullOrEmpty(spec.Process?.ApparmorProfile) && string.IsNullOrEmpty(spec.Process?.SelinuxLabel)
            && string.IsNullOrEmpty(spec.Linux?.MountLabel))
            return;
        try
        {
            SecurityLabels.Check(spec, SecurityModules.Detect());
        }
        catch (ContainerSetupException e)
        {
            throw JaulaException.ForField(e.Field!, e.Cause, e);
        }
    }
}
