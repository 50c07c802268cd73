using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Sandbox.Process;

/// <summary>process.ioPriority: ioprio_set(2) on the thread that execs the process; its children inherit it.</summary>
public static class IoPriority
{
    /// <summary>IOPRIO_CLASS_* values (include/uapi/linux/ioprio.h).</summary>
    public static readonly IReadOnlyDictionary<string, int> Classes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["IOPRIO_CLASS_RT"] = 1, ["IOPRIO_CLASS_BE"] = 2, ["IOPRIO_CLASS_IDLE"] = 3,
    };

    private const string Field = "process.ioPriority";

    public static void Apply(IoPrioritySpec? priority)
    {
        if (priority is null)
            return;
        if (!Classes.TryGetValue(priority.Class, out int ioClass))
            throw new ContainerSetupException($"{Field}.class", $"unknown class \"{priority.Class}\"");
        int level = priority.Priority ?? 0;
        if (level is < 0 or > 7)
            throw new ContainerSetupException($"{Field}.priority", $"must be 0 (highest) to 7 (lowest), found {level}");
        try
        {
            Sys.IoprioSet(ioClass, level);
        }
        catch (ErrnoException e)
        {
            string hint = e.Errno == Errno.EPERM ? " (IOPRIO_CLASS_RT needs CAP_SYS_ADMIN)" : "";
            throw new ContainerSetupException(Field, e.Message + hint, e);
        }
    }
}
