using System.Buffers.Binary;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Sync;
using Jaula.Sandbox.Mounts;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The parent's part of idmapped mounts: open_tree(OPEN_TREE_CLONE) of the source, mount_setattr(MOUNT_ATTR_IDMAP) with
/// a user namespace carrying the mapping, and the detached tree sent to the init (a MountTree frame), which moves it
/// into place. mount_setattr needs privilege over the source's filesystem, which the host holds and a container's
/// root does not.
/// </summary>
public static class IdmappedMountTrees
{
    public static void Send(SyncChannel channel, Spec spec, string bundle, int initPid, bool inUserNamespace)
    {
        foreach (int index in IdmappedMount.Indices(spec.Mounts))
        {
            using var tree = Make(spec.Mounts![index], $"mounts[{index}]", bundle, initPid, inUserNamespace);
            var payload = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)index);
            channel.Send(FrameType.MountTree, payload, tree);
        }
    }

    private static SafeFd Make(MountSpec mount, string field, string bundle, int initPid, bool inUserNamespace)
    {
        var options = MountOptions.Parse(mount.Options);
        if (mount.Type is not (null or "" or "bind") && !options.IsBind)
            throw JaulaException.ForField(field, $"idmapped mounts are bind mounts here, not type {mount.Type} (add \"bind\" or \"rbind\")");
        if (string.IsNullOrEmpty(mount.Source))
            throw JaulaException.ForField(field, $"an idmapped mount on {mount.Destination} needs a source");
        string source = Path.GetFullPath(mount.Source, bundle);
        try
        {
            using var userns = MappingNamespace(mount, field, initPid, inUserNamespace);
            bool recursive = options.IsRecursiveBind || options.RecursiveIdmap;
            var tree = Sys.OpenTree(SafeFd.AtCwd, source,
                Sys.OPEN_TREE_CLONE | Sys.OPEN_TREE_CLOEXEC | (recursive ? (uint)Sys.AT_RECURSIVE : 0));
            try
            {
                Sys.MountSetattr(tree, "", Sys.AT_EMPTY_PATH | (options.RecursiveIdmap ? (uint)Sys.AT_RECURSIVE : 0),
                    MountAttr.Idmap, 0, 0, userns.Value);
                return tree;
            }
            catch
            {
                tree.Dispose();
                throw;
            }
        }
        catch (ErrnoException e)
        {
            throw JaulaException.ForField(field, $"idmapped mount of {source}: {e.Message}"
                + (e.Errno == Errno.EINVAL ? " (the filesystem may not support idmapped mounts)" : ""), e);
        }
    }

    /// <summary>
    /// With mappings of its own, a user namespace made for them (a holder process, killed once its namespace is open);
    /// with only the idmap option, the container's user namespace, as runc does.
    /// </summary>
    private static SafeFd MappingNamespace(MountSpec mount, string field, int initPid, bool inUserNamespace)
    {
        if (mount.UidMappings is { Count: > 0 } uids && mount.GidMappings is { Count: > 0 } gids)
        {
            var holder = InitStage.SpawnUserNamespaceHolder();
            try
            {
                Sys.WriteFile($"/proc/{holder.Pid}/uid_map", IdMapWriter.Format(uids));
                Sys.WriteFile($"/proc/{holder.Pid}/gid_map", IdMapWriter.Format(gids));
                return Sys.Open($"/proc/{holder.Pid}/ns/user", OpenFlags.ReadOnly | OpenFlags.CloExec);
            }
            finally
            {
                holder.KillAndReap();
                holder.PidFd.Dispose();
            }
        }
        if (!inUserNamespace)
            throw JaulaException.ForField(field,
                "the idmap option without uidMappings and gidMappings takes the container's user namespace, and it has none: give the mappings or add a user namespace");
        return Sys.Open($"/proc/{initPid}/ns/user", OpenFlags.ReadOnly | OpenFlags.CloExec);
    }
}
