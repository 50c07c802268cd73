using Jaula.Linux;

namespace Jaula.Sandbox.Rootfs;

/// <summary>
/// runc's "tmpcopyup" mount option (podman sets it on /run, /tmp and /var/tmp with --read-only): the directory's old
/// content is copied into the tmpfs mounted over it, keeping modes, owners and symlinks. The old content is read
/// through an fd opened before the mount (its /proc/self/fd path still leads to the directory beneath).
/// </summary>
public static class TmpCopyUp
{
    /// <param name="below">/proc/self/fd path of the directory as it was before the mount.</param>
    /// <param name="onTop">/proc/self/fd path of the new tmpfs.</param>
    public static void Copy(string below, string onTop)
    {
        var top = Sys.Stat(below);
        Sys.Chmod(onTop, top.Permissions);
        Sys.Lchown(onTop, top.Uid, top.Gid);
        CopyChildren(below, onTop);
    }

    private static void CopyChildren(string fromDir, string toDir)
    {
        foreach (string from in Directory.EnumerateFileSystemEntries(fromDir))
        {
            string to = Path.Combine(toDir, Path.GetFileName(from));
            var status = Sys.Lstat(from);
            if (status.IsSymlink)
            {
                File.CreateSymbolicLink(to, new FileInfo(from).LinkTarget!);
            }
            else if (status.IsDirectory)
            {
                Directory.CreateDirectory(to);
                Sys.Chmod(to, status.Permissions);
                CopyChildren(from, to);
            }
            else if (status.IsRegular)
            {
                File.Copy(from, to);
                Sys.Chmod(to, status.Permissions);
            }
            else
            {
                continue; // devices, fifos and sockets are not content: runc's copy skips them too
            }
            Sys.Lchown(to, status.Uid, status.Gid);
        }
    }
}
