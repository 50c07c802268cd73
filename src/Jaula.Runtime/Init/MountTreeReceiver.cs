using System.Buffers.Binary;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Sync;
using Jaula.Sandbox.Mounts;

namespace Jaula.Runtime.Init;

/// <summary>The init's side of idmapped mounts: one MountTree frame per idmapped entry, right after the plan.</summary>
public static class MountTreeReceiver
{
    public static Dictionary<int, SafeFd> Receive(SyncChannel channel, Spec spec)
    {
        var trees = new Dictionary<int, SafeFd>();
        try
        {
            foreach (int expected in IdmappedMount.Indices(spec.Mounts))
            {
                var frame = channel.Receive(out SafeFd? tree);
                if (frame?.Type != FrameType.MountTree || tree is null || frame.Payload.Length != 4
                    || BinaryPrimitives.ReadUInt32LittleEndian(frame.Payload) != (uint)expected)
                {
                    tree?.Dispose();
                    throw new InvalidDataException($"expected the idmapped mount tree of mounts[{expected}], got {frame?.Type.ToString() ?? "end of file"}");
                }
                trees[expected] = tree;
            }
            return trees;
        }
        catch
        {
            foreach (var fd in trees.Values)
                fd.Dispose();
            throw;
        }
    }
}
