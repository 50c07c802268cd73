using System.Text.Json.Nodes;

namespace Jaula.IntegrationTests.Harness;

/// <summary>Config edits several test classes make; each returns the index of the entry it wrote, for error messages.</summary>
public static class BundleEdits
{
    /// <summary>Appends a mounts[] entry.</summary>
    public static int AddMount(this Bundle bundle, string destination, string source, string type, params string[] options)
    {
        JsonArray mounts = bundle.Config["mounts"]!.AsArray();
        mounts.Add((JsonNode)new JsonObject
        {
            ["destination"] = destination,
            ["type"] = type,
            ["source"] = source,
            ["options"] = new JsonArray(options.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray()),
        });
        return mounts.Count - 1;
    }

    /// <summary>
    /// Sets the linux.namespaces entry of <paramref name="type"/>: a new namespace, or with <paramref name="path"/> one
    /// to join. Replaces an existing entry of that type in place, else appends.
    /// </summary>
    public static int SetNamespace(this Bundle bundle, string type, string? path = null)
    {
        JsonArray namespaces = bundle.Linux["namespaces"]!.AsArray();
        var entry = new JsonObject { ["type"] = type };
        if (path is not null)
        {
            entry["path"] = path;
        }
        int index = namespaces.Select(n => (string?)n!["type"]).ToList().IndexOf(type);
        if (index < 0)
        {
            namespaces.Add((JsonNode)entry);
            return namespaces.Count - 1;
        }
        namespaces[index] = entry;
        return index;
    }

    /// <summary>Sets linux.uidMappings or linux.gidMappings (<paramref name="field"/>) to these ranges.</summary>
    public static void SetIdMappings(this Bundle bundle, string field, params (uint ContainerId, uint HostId, uint Size)[] ranges)
    {
        bundle.Linux[field] = new JsonArray(ranges.Select(r => (JsonNode?)new JsonObject
        {
            ["containerID"] = r.ContainerId,
            ["hostID"] = r.HostId,
            ["size"] = r.Size,
        }).ToArray());
    }

    /// <summary>
    /// A new user namespace where container ids 0..size-1 map to host ids from <paramref name="hostBase"/>. The rootfs
    /// copy becomes theirs, and the bundle dir (a 0700 temp dir) must let them through to it, as with runc.
    /// </summary>
    public static void MapRootTo(this Bundle bundle, uint hostBase, uint size = 65536)
    {
        bundle.SetNamespace("user");
        bundle.SetIdMappings("uidMappings", (0, hostBase, size));
        bundle.SetIdMappings("gidMappings", (0, hostBase, size));
        Shell.Run("/bin/chown", "-R", $"{hostBase}:{hostBase}", bundle.RootfsDir);
        File.SetUnixFileMode(bundle.Dir, (UnixFileMode)Convert.ToInt32("755", 8));
    }

    /// <summary>A config the C init serves (Runtime/Lifecycle/InitRoute.cs): the default one is, as it is.</summary>
    public static Bundle UseCInit(this Bundle bundle) => bundle;

    /// <summary>The same config kept on the managed init by an I/O priority (the default one), which the C init never sets.</summary>
    public static Bundle UseManagedInit(this Bundle bundle)
    {
        bundle.Process["ioPriority"] = new JsonObject { ["class"] = "IOPRIO_CLASS_BE", ["priority"] = 4 };
        return bundle;
    }

    /// <summary><see cref="UseCInit"/> or <see cref="UseManagedInit"/>.</summary>
    public static Bundle UseInit(this Bundle bundle, bool cInit) => cInit ? bundle.UseCInit() : bundle.UseManagedInit();
}
