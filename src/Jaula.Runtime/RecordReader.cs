using System.Text.Json;
using Jaula.Cgroups;
using Jaula.Cgroups.Resctrl;
using Jaula.Oci;
using static Jaula.Oci.JsonValueReader;

namespace Jaula.Runtime;

/// <summary>
/// state.json (and made.json) read without the serializer's metadata, for every command that loads a container
/// (start, state, kill, delete, exec, list): building <see cref="RuntimeJson"/>'s metadata for <see cref="ContainerRecord"/> was 6 % of a
/// `run`. It takes the documents <see cref="RecordWriter"/> writes; for anything else (an older or damaged
/// state.json) it returns null and the caller reads with <see cref="RuntimeJson"/>, which words the error as before.
/// RecordJsonTests holds the two against each other.
/// </summary>
public static class RecordReader
{
    public static ContainerRecord? TryRead(ReadOnlySpan<byte> utf8)
    {
        var r = new Utf8JsonReader(utf8);
        try
        {
            return r.Read() && r.TokenType == JsonTokenType.StartObject && ReadRecord(ref r, out var record) && !r.Read() ? record : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>made.json, as <see cref="TryRead"/> reads state.json (delete reads it for the host mounts).</summary>
    public static MadeRecord? TryReadMade(ReadOnlySpan<byte> utf8)
    {
        var r = new Utf8JsonReader(utf8);
        try
        {
            return r.Read() && r.TokenType == JsonTokenType.StartObject && ReadMade(ref r, out var made) && !r.Read() ? made : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool ReadMade(ref Utf8JsonReader r, out MadeRecord? made)
    {
        made = null;
        int? pid = null;
        ulong? startTime = null;
        CgroupRecord? cgroup = null;
        HostMountsRecord? mounts = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string name = r.GetString()!;
            if (!seen.Add(name) || !r.Read())
                return false;
            bool ok = name switch
            {
                "pid" => ReadInt32(ref r, out pid),
                "pidStartTime" => ReadUInt64(ref r, out startTime),
                "cgroup" => ReadCgroup(ref r, out cgroup),
                "hostMounts" => ReadHostMounts(ref r, out mounts),
                _ => r.TrySkip(),
            };
            if (!ok)
                return false;
        }
        if (r.TokenType != JsonTokenType.EndObject)
            return false;
        made = new MadeRecord { Pid = pid ?? 0, PidStartTime = startTime ?? 0, Cgroup = cgroup, HostMounts = mounts };
        return true;
    }

    private static bool ReadHostMounts(ref Utf8JsonReader r, out HostMountsRecord? mounts)
    {
        mounts = null;
        if (r.TokenType == JsonTokenType.Null)
            return true;
        if (r.TokenType != JsonTokenType.StartObject)
            return false;
        string? rootfs = null;
        List<int>? before = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string name = r.GetString()!;
            if (!seen.Add(name) || !r.Read())
                return false;
            bool ok = name switch
            {
                "rootfs" => ReadString(ref r, out rootfs),
                "before" => ReadInts(ref r, out before),
                _ => r.TrySkip(),
            };
            if (!ok)
                return false;
        }
        if (r.TokenType != JsonTokenType.EndObject || rootfs is null)
            return false;
        mounts = new HostMountsRecord { Rootfs = rootfs, Before = before! }; // absent: null, as the serializer (see above)
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
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            if (!r.Read())
                return false;
            if (r.TokenType == JsonTokenType.EndObject)
                break;
            if (r.TokenType != JsonTokenType.PropertyName)
                return false;
            string name = r.GetString()!;
            if (!seen.Add(name) || !r.Read())
                return false;
            bool ok = name switch
            {
                "id" => ReadString(ref r, out id),
                "bundle" => ReadString(ref r, out bundle),
                "rootfs" => ReadString(ref r, out rootfs),
                "pid" => ReadInt32(ref r, out pid),
                "pidStartTime" => ReadUInt64(ref r, out startTime),
                "pidNamespace" => ReadUInt64OrNull(ref r, out pidNamespace),
                "ownPidNamespace" => ReadBool(ref r, out ownPidNamespace),
                "created" => ReadString(ref r, out created),
                "owner" => ReadString(ref r, out owner),
                "annotations" => ReadMap(ref r, out annotations),
                "cgroup" => ReadCgroup(ref r, out cgroup),
                "intelRdt" => ReadResctrl(ref r, out rdt),
                "hooks" => SpecReader.TryReadHooks(ref r, out hooks),
                "noProcess" => ReadBool(ref r, out noProcess),
                "deviceRules" => SpecReader.TryReadDeviceRules(ref r, out rules),
                _ => r.TrySkip(),
            };
            if (!ok)
                return false;
        }
        if (id is null || bundle is null || rootfs is null || pid is null || startTime is null || created is null)
            return false;
        record = new ContainerRecord
        {
            Id = id, Bundle = bundle, Rootfs = rootfs, Pid = pid.Value, PidStartTime = startTime.Value, Created = created,
            // An init-only property the document lacks is its type's default, not its initializer's value: the
            // serializer sets every init-only property when it constructs the record, and this reader does as it does.
            PidNamespace = pidNamespace, OwnPidNamespace = ownPidNamespace ?? false, Owner = owner!,
            Annotations = annotations, Cgroup = cgroup, IntelRdt = rdt, Hooks = hooks, NoProcess = noProcess ?? false,
            DeviceRules = rules,
        };
        return true;
    }

    private static bool ReadMap(ref Utf8JsonReader r, out Dictionary<string, string>? map)
    {
        map = null;
        if (r.TokenType == JsonTokenType.Null)
            return true;
        if (r.TokenType != JsonTokenType.StartObject)
            return false;
        var items = new Dictionary<string, string>();
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string key = r.GetString()!;
            if (!r.Read() || !ReadString(ref r, out var value) || !items.TryAdd(key, value!))
                return false;
        }
        map = items;
        return r.TokenType == JsonTokenType.EndObject;
    }

    private static bool ReadStrings(ref Utf8JsonReader r, out List<string>? list)
    {
        list = null;
        if (r.TokenType != JsonTokenType.StartArray)
            return false;
        var items = new List<string>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (!ReadString(ref r, out var item))
                return false;
            items.Add(item!);
        }
        list = items;
        return r.TokenType == JsonTokenType.EndArray;
    }

    private static bool ReadCgroup(ref Utf8JsonReader r, out CgroupRecord? cgroup)
    {
        cgroup = null;
        if (r.TokenType == JsonTokenType.Null)
            return true;
        if (r.TokenType != JsonTokenType.StartObject)
            return false;
        int? version = null;
        Dictionary<string, string>? paths = null, roots = null;
        List<string>? parents = null;
        string? unit = null, slice = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string name = r.GetString()!;
            if (!seen.Add(name) || !r.Read())
                return false;
            bool ok = name switch
            {
                "version" => ReadInt32(ref r, out version),
                "paths" => ReadMap(ref r, out paths) && paths is not null,
                "roots" => ReadMap(ref r, out roots) && roots is not null,
                "createdParents" => ReadStrings(ref r, out parents),
                "systemdUnit" => ReadStringOrNull(ref r, out unit),
                "systemdSlice" => ReadStringOrNull(ref r, out slice),
                _ => r.TrySkip(),
            };
            if (!ok)
                return false;
        }
        if (r.TokenType != JsonTokenType.EndObject || version is null || paths is null || roots is null)
            return false;
        cgroup = new CgroupRecord { Version = version.Value, Paths = paths, Roots = roots, CreatedParents = parents!, SystemdUnit = unit, SystemdSlice = slice };
        return true;
    }

    private static bool ReadResctrl(ref Utf8JsonReader r, out ResctrlRecord? rdt)
    {
        rdt = null;
        if (r.TokenType == JsonTokenType.Null)
            return true;
        if (r.TokenType != JsonTokenType.StartObject)
            return false;
        string? group = null, mon = null;
        bool? remove = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string name = r.GetString()!;
            if (!seen.Add(name) || !r.Read())
                return false;
            bool ok = name switch
            {
                "group" => ReadString(ref r, out group),
                "removeGroup" => ReadBool(ref r, out remove),
                "monGroup" => ReadStringOrNull(ref r, out mon),
                _ => r.TrySkip(),
            };
            if (!ok)
                return false;
        }
        if (r.TokenType != JsonTokenType.EndObject || group is null)
            return false;
        rdt = new ResctrlRecord { Group = group, RemoveGroup = remove ?? false, MonGroup = mon };
        return true;
    }
}
