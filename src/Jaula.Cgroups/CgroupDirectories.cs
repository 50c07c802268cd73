using System.Runtime.InteropServices;
using Jaula.Linux;

namespace Jaula.Cgroups;

/// <summary>Making and removing cgroup directories.</summary>
public static class CgroupDirectories
{
    private const long CgroupSuperMagic = 0x27e0eb;
    private const long Cgroup2SuperMagic = 0x63677270;

    /// <summary>How long rmdir is retried while the cgroup's last processes are still exiting.</summary>
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(2);

    /// <summary>rwxr-xr-x: the owner (a rootless caller, too) can list and remove what it made.</summary>
    private const uint DirectoryMode = 0x1ED; // 0755 (C# has no octal literals)

    /// <summary>How often a path is walked again when a parent vanished under us.</summary>
    private const int CreateAttempts = 5;

    /// <summary>
    /// mkdir -p of <paramref name="dir"/> below <paramref name="root"/>; returns what it created, top-down. Another
    /// container's delete may remove a shared empty parent between two of our mkdirs (ENOENT): walk again.
    /// </summary>
    public static List<string> Create(string root, string dir)
    {
        var created = new List<string>();
        for (int attempt = 1; ; attempt++)
        {
            string current = root.TrimEnd('/');
            try
            {
                foreach (string part in dir[current.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries))
                {
                    current = $"{current}/{part}";
                    try
                    {
                        Sys.Mkdir(current, DirectoryMode);
                        created.Add(current);
                    }
                    catch (ErrnoException e) when (e.Errno == Errno.EEXIST) { }
                }
                return created;
            }
            catch (ErrnoException e) when (e.Errno == Errno.ENOENT && attempt < CreateAttempts)
            {
                created.RemoveAll(d => !Directory.Exists(d));
            }
            catch (ErrnoException e)
            {
                throw new CgroupException($"create cgroup {current}: {Marshal.GetPInvokeErrorMessage(e.Errno)}", e);
            }
        }
    }

    /// <summary>
    /// Removes <paramref name="dir"/> and every cgroup below it, leaf first. A cgroup whose processes are still exiting
    /// is busy for a moment, so EBUSY is retried briefly; any other failure is an error naming the directory.
    /// </summary>
    public static void RemoveTree(string dir)
    {
        if (!Directory.Exists(dir))
            return;
        foreach (string child in Directory.EnumerateDirectories(dir))
            RemoveTree(child);
        var deadline = DateTime.UtcNow + BusyTimeout;
        while (true)
        {
            int errno = TryRmdir(dir);
            if (errno is 0 or Errno.ENOENT)
                return;
            if (errno == Errno.EBUSY && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
                continue;
            }
            string why = errno == Errno.EBUSY ? " (processes are still in it)" : "";
            throw new CgroupException($"remove cgroup {dir}: {Marshal.GetPInvokeErrorMessage(errno)}{why}");
        }
    }

    /// <summary>Removes parents this container created, if nothing else has appeared in them since.</summary>
    public static void RemoveIfEmpty(string dir)
    {
        int errno = TryRmdir(dir);
        if (errno is not (0 or Errno.ENOENT or Errno.ENOTEMPTY or Errno.EBUSY))
            throw new CgroupException($"remove cgroup {dir}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    private static int TryRmdir(string dir)
    {
        try
        {
            Sys.Rmdir(dir);
            return 0;
        }
        catch (ErrnoException e) when (e.Errno == Errno.ENOTEMPTY && !IsCgroupFs(dir))
        {
            // A plain directory standing in for a cgroup (unit tests): its "interface files" are ordinary files.
            foreach (string file in Directory.EnumerateFiles(dir))
                File.Delete(file);
            return TryRmdir(dir);
        }
        catch (ErrnoException e)
        {
            return e.Errno;
        }
    }

    private static bool IsCgroupFs(string dir)
    {
        try
        {
            long type = Sys.StatfsType(dir);
            return type is CgroupSuperMagic or Cgroup2SuperMagic;
        }
        catch (ErrnoException)
        {
            return true;
        }
    }
}
