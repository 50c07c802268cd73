using System.Text.Json;
using Jaula.Cgroups;
using Jaula.Cgroups.Resctrl;
using Jaula.Oci;

namespace Jaula.Runtime;

/// <summary>
/// state.json and made.json as <see cref="RuntimeJson"/> writes them, byte for byte, without building its metadata:
/// create writes them three or more times and the serializer's metadata for <see cref="ContainerRecord"/> (the hooks,
/// cgroup and device types below it) was the largest part of the state writes. Reading them stays with
/// <see cref="RuntimeJson"/>. RecordJsonTests holds the bytes against the serializer's and the properties against
/// its metadata, so a property added to a record and not here fails them.
/// </summary>
public static class RecordWriter
{
    /// <summary>Every property written, as "Type.jsonName" (RecordJsonTests compares it with the metadata).</summary>
    public static readonly string[] Written =
    [
        "ContainerRecord.id", "ContainerRecord.bundle", "ContainerRecord.rootfs", "ContainerRecord.pid",
        "ContainerRecord.pidStartTime", "ContainerRecord.pidNamespace", "ContainerRecord.ownPidNamespace",
        "ContainerRecord.created", "ContainerRecord.owner", "ContainerRecord.annotations", "ContainerRecord.cgroup",
        "ContainerRecord.intelRdt", "ContainerRecord.hooks", "ContainerRecord.noProcess", "ContainerRecord.deviceRules",
        "CgroupRecord.version", "CgroupRecord.paths", "CgroupRecord.roots", "CgroupRecord.createdParents",
        "CgroupRecord.systemdUnit", "CgroupRecord.systemdSlice",
        "ResctrlRecord.group", "ResctrlRecord.removeGroup", "ResctrlRecord.monGroup",
        "HooksSpec.prestart", "HooksSpec.createRuntime", "HooksSpec.createContainer", "HooksSpec.startContainer",
        "HooksSpec.poststart", "HooksSpec.poststop",
        "HookSpec.path", "HookSpec.args", "HookSpec.env", "HookSpec.timeout",
        "DeviceCgroupRule.allow", "DeviceCgroupRule.type", "DeviceCgroupRule.major", "DeviceCgroupRule.minor",
        "DeviceCgroupRule.access",
        "MadeRecord.pid", "MadeRecord.pidStartTime", "MadeRecord.cgroup", "MadeRecord.hostMounts",
        "HostMountsRecord.rootfs", "HostMountsRecord.before",
    ];

    public static byte[] Serialize(ContainerRecord r) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", r.Id);
        w.WriteString("bundle", r.Bundle);
        w.WriteString("rootfs", r.Rootfs);
        w.WriteNumber("pid", r.Pid);
        w.WriteNumber("pidStartTime", r.PidStartTime);
        if (r.PidNamespace is { } pidNamespace)
            w.WriteNumber("pidNamespace", pidNamespace);
        w.WriteBoolean("ownPidNamespace", r.OwnPidNamespace);
        w.WriteString("created", r.Created);
        w.WriteString("owner", r.Owner);
        if (r.Annotations is { } annotations)
            Map(w, "annotations", annotations);
        if (r.Cgroup is { } cgroup)
            Cgroup(w, "cgroup", cgroup);
        if (r.IntelRdt is { } rdt)
            Resctrl(w, rdt);
        if (r.Hooks is { } hooks)
            Hooks(w, hooks);
        w.WriteBoolean("noProcess", r.NoProcess);
        if (r.DeviceRules is { } rules)
            DeviceRules(w, rules);
        w.WriteEndObject();
    });

    public static byte[] Serialize(MadeRecord m) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("pid", m.Pid);
        w.WriteNumber("pidStartTime", m.PidStartTime);
        if (m.Cgroup is { } cgroup)
            Cgroup(w, "cgroup", cgroup);
        if (m.HostMounts is { } mounts)
        {
            w.WriteStartObject("hostMounts");
            w.WriteString("rootfs", mounts.Rootfs);
            w.WriteStartArray("before");
            foreach (int id in mounts.Before)
                w.WriteNumberValue(id);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    });

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer)) // the serializer's defaults: compact, JavaScriptEncoder.Default
            write(w);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Map(Utf8JsonWriter w, string name, Dictionary<string, string> map)
    {
        w.WriteStartObject(name);
        foreach (var (key, value) in map)
            w.WriteString(key, value);
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, List<string> items)
    {
        w.WriteStartArray(name);
        foreach (string item in items)
            w.WriteStringValue(item);
        w.WriteEndArray();
    }

    private static void Cgroup(Utf8JsonWriter w, string name, CgroupRecord c)
    {
        w.WriteStartObject(name);
        w.WriteNumber("version", c.Version);
        Map(w, "paths", c.Paths);
        Map(w, "roots", c.Roots);
        Strings(w, "createdParents", c.CreatedParents);
        if (c.SystemdUnit is { } unit)
            w.WriteString("systemdUnit", unit);
        if (c.SystemdSlice is { } slice)
            w.WriteString("systemdSlice", slice);
        w.WriteEndObject();
    }

    private static void Resctrl(Utf8JsonWriter w, ResctrlRecord r)
    {
        w.WriteStartObject("intelRdt");
        w.WriteString("group", r.Group);
        w.WriteBoolean("removeGroup", r.RemoveGroup);
        if (r.MonGroup is { } mon)
            w.WriteString("monGroup", mon);
        w.WriteEndObject();
    }

    private static void Hooks(Utf8JsonWriter w, HooksSpec hooks)
    {
        w.WriteStartObject("hooks");
        HookList(w, "prestart", hooks.Prestart);
        HookList(w, "createRuntime", hooks.CreateRuntime);
        HookList(w, "createContainer", hooks.CreateContainer);
        HookList(w, "startContainer", hooks.StartContainer);
        HookList(w, "poststart", hooks.Poststart);
        HookList(w, "poststop", hooks.Poststop);
        w.WriteEndObject();
    }

    private static void HookList(Utf8JsonWriter w, string name, List<HookSpec>? hooks)
    {
        if (hooks is null)
            return;
        w.WriteStartArray(name);
        foreach (var hook in hooks)
        {
            w.WriteStartObject();
            w.WriteString("path", hook.Path);
            if (hook.Args is { } args)
                Strings(w, "args", args);
            if (hook.Env is { } env)
                Strings(w, "env", env);
            if (hook.Timeout is { } timeout)
                w.WriteNumber("timeout", timeout);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void DeviceRules(Utf8JsonWriter w, List<DeviceCgroupRule> rules)
    {
        w.WriteStartArray("deviceRules");
        foreach (var rule in rules)
        {
            w.WriteStartObject();
            w.WriteBoolean("allow", rule.Allow);
            if (rule.Type is { } type)
                w.WriteString("type", type);
            if (rule.Major is { } major)
                w.WriteNumber("major", major);
            if (rule.Minor is { } minor)
                w.WriteNumber("minor", minor);
            if (rule.Access is { } access)
                w.WriteString("access", access);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
