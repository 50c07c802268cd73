using Jaula.Oci;
using Jaula.Runtime.Hooks;
using Jaula.Sandbox.Capabilities;
using Jaula.Sandbox.Mounts;
using Jaula.Sandbox.Process;

namespace Jaula.Runtime.Features;

/// <summary>
/// `jaula features` (features.md, features-linux.md): only what this build honours, taken from the tables the code
/// itself uses, so the document cannot claim more than the runtime does.
/// </summary>
public static class FeaturesDocument
{
    public static Oci.Features Build() => new()
    {
        OciVersionMin = OciSpecVersion.Minimum,
        OciVersionMax = OciSpecVersion.Current,
        Hooks = [.. HookRunner.Kinds],
        MountOptions = [.. MountOptions.RecognizedWords.Order(StringComparer.Ordinal)],
        Linux = new LinuxFeatures
        {
            Namespaces = [.. NamespaceTypes.All],
            Capabilities = [.. CapabilityNames.All],
            // No cgroup manager in this build: linux.cgroupsPath is accepted with a warning, resources are refused.
            Cgroup = new CgroupFeatures { V1 = false, V2 = false, Systemd = false, SystemdUser = false, Rdma = false },
            Seccomp = new SeccompFeatures { Enabled = false },
            Apparmor = new EnabledFeature { Enabled = false },
            Selinux = new EnabledFeature { Enabled = false },
            IntelRdt = new IntelRdtFeatures { Enabled = false },
            MemoryPolicy = new MemoryPolicyFeatures { Modes = [.. MemoryPolicy.Modes.Keys], Flags = [.. MemoryPolicy.Flags.Keys] },
            MountExtensions = new MountExtensionsFeatures { Idmap = new EnabledFeature { Enabled = false } },
            NetDevices = new EnabledFeature { Enabled = true },
        },
    };
}
