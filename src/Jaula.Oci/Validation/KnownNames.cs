namespace Jaula.Oci;

/// <summary>The closed vocabularies of config-linux.md and defs-linux.json, for validation and its messages.</summary>
internal static class KnownNames
{
    public static readonly string[] SeccompActions =
    [
        "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
        "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
    ];

    /// <summary>The actions that return an errno to the caller, so errnoRet means something for them.</summary>
    public static readonly string[] SeccompErrnoActions = ["SCMP_ACT_ERRNO", "SCMP_ACT_TRACE"];

    public static readonly string[] SeccompArchitectures =
    [
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
        "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
        "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
    ];

    public static readonly string[] SeccompFlags =
    [
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    ];

    public static readonly string[] SeccompOperators =
    [
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
    ];

    public static readonly string[] SchedulerPolicies =
    [
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE",
    ];

    public static readonly string[] SchedulerFlags =
    [
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
        "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX",
    ];

    public static readonly string[] IoPriorityClasses = ["IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"];

    public static readonly string[] MemoryPolicyModes =
    [
        "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
        "MPOL_PREFERRED_MANY", "MPOL_LOCAL",
    ];

    /// <summary>Modes for which set_mempolicy(2) takes no nodes.</summary>
    public static readonly string[] MemoryPolicyModesWithoutNodes = ["MPOL_DEFAULT", "MPOL_LOCAL"];

    /// <summary>Modes for which set_mempolicy(2) needs at least one node.</summary>
    public static readonly string[] MemoryPolicyModesWithNodes =
        ["MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED_MANY"];

    public static readonly string[] MemoryPolicyFlags =
        ["MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"];

    public static readonly string[] PersonalityDomains = ["LINUX", "LINUX32"];

    /// <summary>The schema's four values plus the recursive forms runc and crun accept.</summary>
    public static readonly string[] RootfsPropagations =
        ["private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable", "runbindable"];

    public static readonly string[] TimeNamespaceClocks = ["monotonic", "boottime"];

    /// <summary>Joins names for a message: "a, b or c".</summary>
    public static string OneOf(IReadOnlyList<string> names) => names.Count switch
    {
        0 => "nothing: no value is defined",
        1 => names[0],
        _ => string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1],
    };
}
