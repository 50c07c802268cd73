namespace Jaula.Sandbox.Lsm;

/// <summary>
/// Which Linux security modules are active, read as runc and crun read it: the kernel's list in
/// /sys/kernel/security/lsm when securityfs is mounted, else the module's own flag (AppArmor) or filesystem (SELinux).
/// </summary>
public sealed record SecurityModules(bool AppArmor, bool SeLinux, string Evidence)
{
    private const string LsmList = "/sys/kernel/security/lsm";
    private const string AppArmorEnabled = "/sys/module/apparmor/parameters/enabled";
    private const string SeLinuxFs = "/sys/fs/selinux/enforce";

    public static SecurityModules Detect()
    {
        string? list = TryRead(LsmList);
        if (list is not null)
        {
            var names = list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries);
            return new SecurityModules(names.Contains("apparmor"), names.Contains("selinux"), $"{LsmList} lists \"{list.Trim()}\"");
        }
        bool appArmor = TryRead(AppArmorEnabled)?.Trim() == "Y";
        bool seLinux = File.Exists(SeLinuxFs);
        return new SecurityModules(appArmor, seLinux,
            $"{LsmList} is not readable, {AppArmorEnabled} {(appArmor ? "says Y" : "is not Y")}, {SeLinuxFs} {(seLinux ? "exists" : "does not exist")}");
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
