using Jaula.Linux;

namespace Jaula.Sandbox.Process;

/// <summary>
/// CVE-2024-21626: a cwd such as /proc/self/fd/7 follows a descriptor of the init's to a directory outside the
/// container's root, and the process would start there. After chdir the kernel is asked where we are: a directory
/// not below the root makes getcwd(3) fail with ENOENT (the kernel marks the path "(unreachable)").
/// </summary>
public static class WorkingDirectory
{
    public static void RequireInsideRoot(string configured)
    {
        string? where;
        try
        {
            where = Sys.Getcwd();
        }
        catch (ErrnoException e) when (e.Errno == Errno.ENOENT)
        {
            where = null;
        }
        if (where is null || !where.StartsWith('/'))
            throw new ContainerSetupException("process.cwd", OutsideRoot(configured));
    }

    public static string OutsideRoot(string configured) =>
        $"{configured} resolves outside the container's root (through a link such as /proc/self/fd/N); refusing to start the process there";
}
