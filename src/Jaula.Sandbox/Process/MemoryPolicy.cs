using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Sandbox.Process;

/// <summary>linux.memoryPolicy: set_mempolicy(2) on the thread that execs the process (the policy survives execve).</summary>
public static class MemoryPolicy
{
    /// <summary>MPOL_* modes (include/uapi/linux/mempolicy.h).</summary>
    public static readonly IReadOnlyDictionary<string, int> Modes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["MPOL_DEFAULT"] = 0, ["MPOL_PREFERRED"] = 1, ["MPOL_BIND"] = 2, ["MPOL_INTERLEAVE"] = 3, ["MPOL_LOCAL"] = 4,
        ["MPOL_PREFERRED_MANY"] = 5, ["MPOL_WEIGHTED_INTERLEAVE"] = 6,
    };

    /// <summary>MPOL_F_* mode flags.</summary>
    public static readonly IReadOnlyDictionary<string, int> Flags = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["MPOL_F_NUMA_BALANCING"] = 1 << 13, ["MPOL_F_RELATIVE_NODES"] = 1 << 14, ["MPOL_F_STATIC_NODES"] = 1 << 15,
    };

    private const string Field = "linux.memoryPolicy";

    public static void Apply(MemoryPolicySpec? policy)
    {
        if (policy is null)
            return;
        if (policy.Mode is null || !Modes.TryGetValue(policy.Mode, out int mode))
            throw new ContainerSetupException($"{Field}.mode", $"unknown mode \"{policy.Mode}\"");
        foreach (string name in policy.Flags ?? [])
        {
            if (!Flags.TryGetValue(name, out int flag))
                throw new ContainerSetupException($"{Field}.flags", $"unknown flag \"{name}\"");
            mode |= flag;
        }
        ulong[] nodes = string.IsNullOrEmpty(policy.Nodes) ? [] : IdList.ToMask(policy.Nodes, $"{Field}.nodes");
        try
        {
            Sys.SetMempolicy(mode, nodes);
        }
        catch (ErrnoException e)
        {
            string hint = e.Errno switch
            {
                Errno.ENOSYS => " (this kernel has no NUMA support)",
                Errno.EINVAL => " (a node this host does not have, or a mode/flag combination the kernel refuses)",
                _ => "",
            };
            throw new ContainerSetupException(Field, e.Message + hint, e);
        }
    }
}
