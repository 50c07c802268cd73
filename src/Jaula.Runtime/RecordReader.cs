using System.Text.Json;
using Jaula.Cgroups;
using Jaula.Cgroups.Resctrl;
using Jaula.Oci;
using static Jaula.Oci.JsonValueReader;

namespace Jaula.Runtime;

/// <summary>
/// state.json (and made.json) read without the serializer's metadata, for every command that loads a container
/// (start, state, kill, delete, exec, list): building <see cref="RuntimeJson"/>'s metadata for
/// <see cref="ContainerRecord"/> was 6 % of a `run`. It takes the documents <see cref="RecordWriter"/> writes; for
/// anything else (an older or damaged state.json) it returns null and the caller reads with <see cref="RuntimeJson"/>,
/// which words the error as before. An init-only property the document lacks is its type's default, not its
/// initializer's value, as the serializer makes it (it sets every init-only property when it constructs the record).
/// RecordJsonTests holds the two against each other.
/// </summary>
public static class RecordReader
{
    public static ContainerRecord? TryRead(ReadOnlySpan<byte> utf8) => Whole<ContainerRecord>(utf8, ReadRecord);

    /// <summary>made.json, as <see cref="TryRead"/> reads state.json (delete reads it for the host mounts).</summary>
    public static MadeRecord? TryReadMade(ReadOnlySpan<byte> utf8) => Whole<MadeRecord>(utf8, ReadMade);

    private delegate bool ObjectReader<T>(ref Utf8JsonReader r, out T? value) where T : class;

    /// <summary>The document is exactly one object that <paramref name="read"/> takes, or null.</summary>
    private static T? Whole<T>(ReadOnlySpan<byte> utf8, ObjectReader<T> read) where T : class
    {
        var r = new Utf8JsonReader(utf8);
        try
        {
            return r.Read() && read(ref r, out var value) && !r.Read() ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool ReadRecord(ref Utf8JsonReader r, out ContainerRecord? record)
    {
        record = null;
        string? id = null, bundle = null, rootfs = null, created = null, owner = null;
        int? pid = null;
        ulong? startTime = null, pidNamespace = null;
        bool? ownPidNamespace = null, noProcess = null;
        Dictionary<string, string>? annotations = null;
        CgroupRecord? cgroup = null;
        ResctrlRecord? rdt = null;
        HooksSpec? hooks = null;
        List<DeviceCgroupRule>? rules = null;
        bool read = ReadProperties(ref r, (string name, ref Utf8JsonReader p) => name switch
        {
            "id" => ReadString(ref p, out id),
            "bundle" => ReadString(ref p, out bundle),
            "rootfs" => ReadString(ref p, out rootfs),
            "pid" => ReadInt32(ref p, out pid),
            "pidStartTime" => ReadUInt64(ref p, out startTime),
            "pidNamespace" => ReadUInt64OrNull(ref p, out pidNamespace),
            "ownPidNamespace" => ReadBool(ref p, out ownPidNamespace),
            "created" => ReadString(ref p, out created),
            "owner" => ReadString(ref p, out owner),
            "annotations" => ReadStringMapOrNull(ref p, out annotations),
            "cgroup" => ReadCgroup(ref p, out cgroup),
            "intelRdt" => ReadResctrl(ref p, out rdt),
            "hooks" => SpecReader.TryReadHooks(ref p, out hooks),
            "noProcess" => ReadBool(ref p, out noProcess),
            "deviceRules" => SpecReader.TryReadDeviceRules(ref p, out rules),
            _ => p.TrySkip(),
        });
        if (!read || id is null || bundle is null || rootfs is null || pid is null || startTime is null || created is null)
            return false;
        record = new ContainerRecord
        {
            Id = id, Bundle = bundle, Rootfs = rootfs, Pid = pid.Value, PidStartTime = startTime.Value, Created = created,
            PidNamespace = pidNamespace, OwnPidNamespace = ownPidNamespace ?? false, Owner = owner!,
            Annotations = annotations, Cgroup = cgroup, IntelRdt = rdt, Hooks = hooks, NoProcess = noProcess ?? false,
            DeviceRules = rules,
        };
        return true;
    }

    private static bool ReadMade(ref Utf8JsonReader r, out MadeRecord? made)
    {
        made = null;
        int? pid = null;
        ulong? startTime = null;
        CgroupRecord? cgroup = null;
        HostMountsRecord? mounts = null;
        if (!ReadProperties(ref r, (string name, ref Utf8JsonReader p) => name switch
            {
                "pid" => ReadInt32(ref p, out pid),
                "pidStartTime" => ReadUInt64(ref p, out startTime),
                "cgroup" => ReadCgroup(ref p, out cgroup),
                "hostMounts" => ReadHostMounts(ref p, out mounts),
                _ => p.TrySkip(),
            }))
            return false;
        made = new MadeRecord { Pid = pid ?? 0, PidStartTime = startTime ?? 0, Cgroup = cgroup, HostMounts = mounts };
        return true;
    }

    private static bool ReadHostMounts(ref Utf8JsonReader r, out HostMountsRecord? mounts)
    {
        mounts = null;
        if (r.TokenType == JsonTokenType.Null)
            return true;
        string? rootfs = null;
        List<int>? before = null;
        if (!ReadProperties(ref r, (string name, ref Utf8JsonReader p) => name switch
            {
                "rootfs" => ReadString(ref p, out rootfs),
                "before" => ReadInts(ref p, out before),
                _ => p.TrySkip(),
            }) || rootfs is null)
            return false;
        mounts = new HostMountsRecord { Rootfs = rootfs, Before = before! };
        return true;
    }

    private static bool ReadInts(ref Utf8JsonReader r, out List<int>? list)
    {
        list = null;
        if (r.TokenType != JsonTokenType.StartArray)
            return false;
        var items = new List<int>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (!ReadInt32(ref r, out var item))
                return false;
            items.Add(item.GetValueOrDefault());
        }
        list = items;
        return r.TokenType == JsonTokenType.EndArray;
    }

    private static bool ReadCgroup(ref Utf8JsonReader r, out CgroupRecord? cgroup)
    {
        cgroup = null;
        if (r.TokenType == JsonTokenType.Null)
            return true;
        int? version = null;
        Dictionary<string, string>? paths = null, roots = null;
        List<string>? parents = null;
        string? unit = null, slice = null;
        if (!ReadProperties(ref r, (string name, ref Utf8JsonReader p) => name switch
            {
                "version" => ReadInt32(ref p, out version),
                "paths" => ReadStringMap(ref p, out paths),
                "roots" => ReadStringMap(ref p, out roots),
                "createdParents" => ReadStringList(ref p, out parents),
                "systemdUnit" => ReadStringOrNull(ref p, out unit),
                "systemdSlice" => ReadStringOrNull(ref p, out slice),
                _ => p.TrySkip(),
            }) || version is null || paths is null || roots is null)
            return false;
        cgroup = new CgroupRecord
        {
            Version = version.Value, Paths = paths, Roots = roots, CreatedParents = parents!, SystemdUnit = unit, SystemdSlice = slice,
        };
        return true;
    }

    private static bool ReadResctrl(ref Utf8JsonReader r, out ResctrlRecord? rdt)
    {
        rdt = null;
        if (r.TokenType == JsonTokenType.Null)
            return true;
        string? group = null, mon = null;
        bool? remove = null;
        if (!ReadProperties(ref r, (string name, ref Utf8JsonReader p) => name switch
            {
                "group" => ReadString(ref p, out group),
                "removeGroup" => ReadBool(ref p, out remove),
                "monGroup" => ReadStringOrNull(ref p, out mon),
                _ => p.TrySkip(),
            }) || group is null)
            return false;
        rdt = new ResctrlRecord { Group = group, RemoveGroup = remove ?? false, MonGroup = mon };
        return true;
    }
}
