using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Sandbox.Lsm;

/// <summary>
/// process.apparmorProfile, process.selinuxLabel and linux.mountLabel. A label asked of a security module that is
/// not active is refused naming the field: running the container unconfined would silently drop the protection.
/// Where the module is active, the process label is set for the next execve through the init's own procfs.
/// </summary>
public static class SecurityLabels
{
    /// <summary>Refuses labels the host cannot apply; call in the parent, before anything is made.</summary>
    public static void Check(Spec spec, SecurityModules modules)
    {
        if (!string.IsNullOrEmpty(spec.Process?.ApparmorProfile) && !modules.AppArmor)
            throw new ContainerSetupException("process.apparmorProfile", $"AppArmor is not active on this host ({modules.Evidence}); remove the profile or enable AppArmor");
        if (!string.IsNullOrEmpty(spec.Process?.SelinuxLabel) && !modules.SeLinux)
            throw new ContainerSetupException("process.selinuxLabel", $"SELinux is not active on this host ({modules.Evidence}); remove the label or enable SELinux");
        if (!string.IsNullOrEmpty(spec.Linux?.MountLabel))
        {
            throw new ContainerSetupException("linux.mountLabel", modules.SeLinux
                ? "not supported yet by this jaula build (SELinux mount labels)"
                : $"SELinux is not active on this host ({modules.Evidence}); remove the label or enable SELinux");
        }
    }

    /// <summary>
    /// Sets the labels the process gets at execve. Runs in the init on the thread that execs, after pivot_root,
    /// through <see cref="Process.ProcfsFile"/> (the image or config must not be able to catch the write).
    /// </summary>
    public static void ApplyForExec(ProcessSpec process)
    {
        string thread = Process.ProcfsFile.ThreadSelf;
        if (!string.IsNullOrEmpty(process.ApparmorProfile))
            Write("process.apparmorProfile", [$"{thread}/attr/apparmor/exec", $"{thread}/attr/exec"], "exec " + process.ApparmorProfile);
        if (!string.IsNullOrEmpty(process.SelinuxLabel))
            Write("process.selinuxLabel", [$"{thread}/attr/selinux/exec", $"{thread}/attr/exec"], process.SelinuxLabel);
    }

    /// <param name="candidates">Paths relative to /proc: the module's own attr directory first, then the shared one.</param>
    private static void Write(string field, string[] candidates, string value)
    {
        string path = candidates.FirstOrDefault(c => File.Exists("/proc/" + c)) ?? candidates[^1];
        try
        {
            Process.ProcfsFile.Write(path, value);
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException(field, $"setting the label: {e.Message}", e);
        }
    }
}
