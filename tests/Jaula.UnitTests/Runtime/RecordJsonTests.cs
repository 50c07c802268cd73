using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FluentAssertions;
using Jaula.Cgroups;
using Jaula.Cgroups.Resctrl;
using Jaula.Oci;
using Jaula.Runtime;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>RecordWriter writes state.json and made.json byte for byte as RuntimeJson does, for every property; RecordReader reads state.json as RuntimeJson does, or leaves it to it.</summary>
public sealed class RecordJsonTests
{
    private static string Ours(ContainerRecord r) => Encoding.UTF8.GetString(RecordWriter.Serialize(r));

    private static string Theirs(ContainerRecord r) => JsonSerializer.Serialize(r, RuntimeJson.Default.ContainerRecord);

    private static CgroupRecord Cgroup(string? unit = null) => new()
    {
        Version = 1,
        Paths = new() { ["cpu"] = "/sys/fs/cgroup/cpu/a/c1", [""] = "/sys/fs/cgroup/unified/a/c1" },
        Roots = new() { ["cpu"] = "/sys/fs/cgroup/cpu", [""] = "/sys/fs/cgroup/unified" },
        CreatedParents = ["/sys/fs/cgroup/cpu/a"],
        SystemdUnit = unit,
        SystemdSlice = unit is null ? null : "system.slice",
    };

    public static TheoryData<string, ContainerRecord> Records => new()
    {
        { "creating", new ContainerRecord { Id = "c1", Bundle = "/b", Rootfs = "/b/rootfs", Pid = 0, PidStartTime = 0, Created = "2026-12-06T20:00:00.123456789Z" } },
        {
            "everything", new ContainerRecord
            {
                Id = "c+1.x_y", Bundle = "/b ü <&> 'q' \"d\" \\ \n\t\u0001", Rootfs = "/b/rootfs", Pid = int.MaxValue, PidStartTime = ulong.MaxValue,
                PidNamespace = 4026531836, OwnPidNamespace = true, Created = "2026-12-06T20:00:00Z", Owner = "root",
                Annotations = new() { ["org.opencontainers.x"] = "1", ["ü+<"] = "" },
                Cgroup = Cgroup("jaula-c1.scope"),
                IntelRdt = new ResctrlRecord { Group = "/sys/fs/resctrl/c1", RemoveGroup = true, MonGroup = "mon_groups/c1" },
                Hooks = new HooksSpec
                {
                    Prestart = [new HookSpec { Path = "/bin/a", Args = ["a", "-x"], Env = ["A=1"], Timeout = 5 }],
                    CreateRuntime = [], CreateContainer = [new HookSpec { Path = "/bin/b" }], StartContainer = null,
                    Poststart = [new HookSpec { Path = "/bin/c", Args = [] }], Poststop = [new HookSpec { Path = "/bin/d", Env = [] }],
                },
                NoProcess = true,
                DeviceRules = [new DeviceCgroupRule { Allow = false, Access = "rwm" }, new DeviceCgroupRule { Allow = true, Type = "c", Major = 1, Minor = -1, Access = "rw" }],
            }
        },
        { "a cgroup without systemd", new ContainerRecord { Id = "c2", Bundle = "/b", Rootfs = "/r", Pid = 7, PidStartTime = 9, Created = "t", Cgroup = Cgroup(), Hooks = new HooksSpec() } },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void State_json_is_written_as_the_serializer_writes_it(string what, ContainerRecord record)
    {
        Ours(record).Should().Be(Theirs(record), what);
    }

    [Fact]
    public void Made_json_is_written_as_the_serializer_writes_it()
    {
        foreach (var made in new[]
                 {
                     new MadeRecord(),
                     new MadeRecord { Pid = 12, PidStartTime = 34, Cgroup = Cgroup(), HostMounts = new HostMountsRecord { Rootfs = "/r ü", Before = [1, 2, 30] } },
                 })
        {
            Encoding.UTF8.GetString(RecordWriter.Serialize(made)).Should().Be(JsonSerializer.Serialize(made, RuntimeJson.Default.MadeRecord));
        }
    }

    [Fact]
    public void Every_property_of_both_records_is_written()
    {
        var model = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Type>();
        void Walk(JsonTypeInfo info)
        {
            if (!seen.Add(info.Type))
                return;
            foreach (var property in info.Properties.Where(p => p.Get is not null))
            {
                model.Add($"{info.Type.Name}.{property.Name}");
                Walk(RuntimeJson.Default.GetTypeInfo(property.PropertyType)!);
            }
            if (info.ElementType is { } element)
                Walk(RuntimeJson.Default.GetTypeInfo(element)!);
        }
        Walk(RuntimeJson.Default.ContainerRecord);
        Walk(RuntimeJson.Default.MadeRecord);

        model.Except(RecordWriter.Written).Should().BeEmpty("a record's new property must be written by RecordWriter too");
        RecordWriter.Written.Except(model).Should().BeEmpty();
    }

    private static ContainerRecord? Serializers(byte[] utf8)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8, RuntimeJson.Default.ContainerRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void State_json_is_read_back_as_the_serializer_reads_it(string what, ContainerRecord record)
    {
        byte[] utf8 = RecordWriter.Serialize(record);
        var read = RecordReader.TryRead(utf8);
        read.Should().NotBeNull($"{what}: the reader takes what RecordWriter writes");
        Theirs(read!).Should().Be(Theirs(Serializers(utf8)!), what);
    }

    public static TheoryData<string, string> OddStates => new()
    {
        { "an older record without owner and flags", """{"id":"c","bundle":"/b","rootfs":"/r","pid":1,"pidStartTime":2,"created":"t"}""" },
        { "unknown properties", """{"id":"c","bundle":"/b","rootfs":"/r","pid":1,"pidStartTime":2,"created":"t","future":{"x":[1]}}""" },
        { "a missing required property", """{"id":"c","bundle":"/b","rootfs":"/r","pid":1,"created":"t"}""" },
        { "null createdParents", """{"id":"c","bundle":"/b","rootfs":"/r","pid":1,"pidStartTime":2,"created":"t","cgroup":{"version":2,"paths":{},"roots":{},"createdParents":null}}""" },
        { "a cgroup without createdParents", """{"id":"c","bundle":"/b","rootfs":"/r","pid":1,"pidStartTime":2,"created":"t","cgroup":{"version":2,"paths":{"":"/x"},"roots":{"":"/"}}}""" },
        { "a string for a number", """{"id":"c","bundle":"/b","rootfs":"/r","pid":"1","pidStartTime":2,"created":"t"}""" },
        { "a duplicate", """{"id":"c","id":"d","bundle":"/b","rootfs":"/r","pid":1,"pidStartTime":2,"created":"t"}""" },
        { "null owner", """{"id":"c","bundle":"/b","rootfs":"/r","pid":1,"pidStartTime":2,"created":"t","owner":null}""" },
        { "truncated", """{"id":"c","bundle":"/b","rootfs":"/r","pid":1,"pidSt""" },
        { "hooks and rules", """{"id":"c","bundle":"/b","rootfs":"/r","pid":1,"pidStartTime":2,"created":"t","hooks":{"poststop":[{"path":"/x","timeout":3}]},"deviceRules":[{"allow":true,"type":"c","major":1}],"intelRdt":{"group":"/"}}""" },
    };

    [Theory]
    [MemberData(nameof(OddStates))]
    public void Any_state_json_is_read_as_the_serializer_reads_it_or_left_to_it(string what, string json)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        var ours = RecordReader.TryRead(utf8);
        if (ours is null)
            return; // the serializer reads it, or refuses it with its own words
        var theirs = Serializers(utf8);
        theirs.Should().NotBeNull($"{what}: the reader took it, so the serializer must");
        Theirs(ours).Should().Be(Theirs(theirs!), what);
    }

    public static TheoryData<string, string> MadeDocuments => new()
    {
        { "as written", Encoding.UTF8.GetString(RecordWriter.Serialize(new MadeRecord { Pid = 12, PidStartTime = 34, Cgroup = Cgroup(), HostMounts = new HostMountsRecord { Rootfs = "/r", Before = [1, 2] } })) },
        { "before the clone", """{"pid":0,"pidStartTime":0}""" },
        { "empty", "{}" },
        { "host mounts without before", """{"pid":1,"pidStartTime":2,"hostMounts":{"rootfs":"/r"}}""" },
        { "null host mounts", """{"pid":1,"pidStartTime":2,"hostMounts":null}""" },
        { "a string pid", """{"pid":"1"}""" },
        { "truncated", """{"pid":1,""" },
    };

    [Theory]
    [MemberData(nameof(MadeDocuments))]
    public void Made_json_is_read_as_the_serializer_reads_it_or_left_to_it(string what, string json)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        var ours = RecordReader.TryReadMade(utf8);
        if (ours is null)
            return;
        MadeRecord? theirs;
        try
        {
            theirs = JsonSerializer.Deserialize(utf8, RuntimeJson.Default.MadeRecord);
        }
        catch (JsonException)
        {
            theirs = null;
        }
        theirs.Should().NotBeNull($"{what}: the reader took it, so the serializer must");
        JsonSerializer.Serialize(ours, RuntimeJson.Default.MadeRecord).Should().Be(JsonSerializer.Serialize(theirs, RuntimeJson.Default.MadeRecord), what);
    }

    [Fact]
    public void What_RecordWriter_writes_of_made_json_is_taken()
    {
        RecordReader.TryReadMade(RecordWriter.Serialize(new MadeRecord { Pid = 1, Cgroup = Cgroup() })).Should().NotBeNull();
    }
}
