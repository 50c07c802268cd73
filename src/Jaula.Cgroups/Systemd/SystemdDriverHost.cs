namespace Jaula.Cgroups.Systemd;

/// <summary>Whether this host can run the systemd driver: a unified cgroup v2 hierarchy, systemd as PID 1, its socket there.</summary>
public static class SystemdDriverHost
{
    /// <summary>A quick look without talking to systemd (for `features`); create finds out for sure.</summary>
    public static bool LooksUsable()
    {
        try
        {
            return CgroupLayout.DetectHost().Mode == CgroupMode.Unified
                && File.ReadAllText("/proc/1/comm").Trim() == "systemd"
                && (File.Exists(SystemdBus.PrivateSocket) || File.Exists(SystemdBus.SystemBusSocket));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CgroupException)
        {
            return false;
        }
    }
}
