namespace Jaula.Cgroups;

/// <summary>Freezing and thawing through v1's freezer.state or v2's cgroup.freeze, waiting until the kernel is done.</summary>
internal static class CgroupFreezer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static void SetV1(string dir, bool frozen)
    {
        string wanted = frozen ? "FROZEN" : "THAWED";
        var deadline = DateTime.UtcNow + Timeout;
        // FREEZING is transient: tasks in uninterruptible sleep delay it; writing again nudges the kernel.
        while (true)
        {
            CgroupFile.Write(dir, "freezer.state", wanted, "freezer.state");
            if (CgroupFile.ReadValue(dir, "freezer.state") == wanted)
                return;
            if (DateTime.UtcNow > deadline)
                throw new CgroupException($"{dir}/freezer.state: still not {wanted} after {Timeout.TotalSeconds} s");
            Thread.Sleep(10);
        }
    }

    public static FreezerState StateV1(string dir) => CgroupFile.ReadValue(dir, "freezer.state") switch
    {
        "FROZEN" => FreezerState.Frozen,
        "FREEZING" or "THAWED" => FreezerState.Thawed,
        _ => FreezerState.Undefined,
    };

    public static void SetV2(string dir, bool frozen)
    {
        CgroupFile.Write(dir, "cgroup.freeze", frozen ? "1" : "0", "cgroup.freeze");
        var deadline = DateTime.UtcNow + Timeout;
        while (StateV2(dir) != (frozen ? FreezerState.Frozen : FreezerState.Thawed))
        {
            if (DateTime.UtcNow > deadline)
                throw new CgroupException($"{dir}/cgroup.events: still not {(frozen ? "frozen" : "thawed")} after {Timeout.TotalSeconds} s");
            Thread.Sleep(10);
        }
    }

    /// <summary>cgroup.events says whether the freeze has completed ("frozen 1"); cgroup.freeze only what was asked.</summary>
    public static FreezerState StateV2(string dir)
    {
        if (!CgroupFile.Exists(dir, "cgroup.freeze"))
            return FreezerState.Undefined;
        return CgroupFile.ReadKeyed(dir, "cgroup.events").GetValueOrDefault("frozen") == 1 ? FreezerState.Frozen : FreezerState.Thawed;
    }
}
