using Jaula.Oci;
using Jaula.Runtime.Hooks;
using Jaula.Sandbox.Capabilities;
using Jaula.Sandbox.Mounts;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Seccomp;

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
            // Both cgroupfs managers (Jaula.Cgroups); the systemd driver (system instance, v2 only) where this host has it.
            Cgroup = new CgroupFeatures
            {
                V1 = true, V2 = true, Systemd = Cgroups.Systemd.SystemdDriverHost.LooksUsable(), SystemdUser = false, Rdma = true,
            },
            Seccomp = new SeccompFeatures
            {
                Enabled = true,
                Actions = [.. SeccompSupport.Actions],
                Operators = [.. SeccompSupport.Operators],
                Archs = [.. SeccompSupport.Architectures],
                KnownFlags = [.. SeccompSupport.KnownFlags],
                SupportedFlags = [.. SeccompSupport.SupportedFlags],
            },
            Apparmor = new EnabledFeature { Enabled = false },
            Selinux = new EnabledFeature { Enabled = false },
            // Applied through resctrl where it is mounted (Lifecycle/ContainerResctrl); refused elsewhere.
            IntelRdt = new IntelRdtFeatures { Enabled = true, Schemata = true, Monitoring = true },
            MemoryPolicy = new MemoryPolicyFeatures { Modes = [.. MemoryPolicy.Modes.Keys], Flags = [.. MemoryPolicy.Flags.Keys] },
            MountExtensions = new MountExtensionsFeatures { Idmap = new EnabledFeature { Enabled = true } },
            NetDevices = new EnabledFeature { Enabled = true },
        },
    };
}
