using System.Text;
using System.Text.Json.Nodes;

namespace Jaula.Oci.Tests.Validation;

/// <summary>
/// Every string enum of the Linux config schema (defs-linux.json, config-schema.json): a value outside it is refused
/// at load time, naming the field, and every value inside it is accepted.
/// </summary>
public sealed class SchemaEnumTests
{
    /// <summary>A valid config that holds each enum-typed field once.</summary>
    private const string Base = """
        {
          "ociVersion": "1.3.0",
          "root": { "path": "rootfs" },
          "process": {
            "args": ["sh"], "cwd": "/", "user": { "uid": 0, "gid": 0 },
            "ioPriority": { "class": "IOPRIO_CLASS_BE", "priority": 4 },
            "scheduler": { "policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_RESET_ON_FORK"] }
          },
          "linux": {
            "namespaces": [ { "type": "mount" } ],
            "rootfsPropagation": "rprivate",
            "personality": { "domain": "LINUX" },
            "memoryPolicy": { "mode": "MPOL_DEFAULT", "flags": ["MPOL_F_STATIC_NODES"] },
            "seccomp": {
              "defaultAction": "SCMP_ACT_ALLOW",
              "architectures": ["SCMP_ARCH_X86_64"],
              "flags": ["SECCOMP_FILTER_FLAG_LOG"],
              "syscalls": [ { "names": ["getcwd"], "action": "SCMP_ACT_ERRNO",
                              "args": [ { "index": 0, "value": 1, "op": "SCMP_CMP_EQ" } ] } ]
            }
          }
        }
        """;

    public static TheoryData<string> EnumFields => new()
    {
        "process.ioPriority.class",
        "process.scheduler.policy",
        "process.scheduler.flags[0]",
        "linux.namespaces[0].type",
        "linux.rootfsPropagation",
        "linux.personality.domain",
        "linux.memoryPolicy.mode",
        "linux.memoryPolicy.flags[0]",
        "linux.seccomp.defaultAction",
        "linux.seccomp.architectures[0]",
        "linux.seccomp.flags[0]",
        "linux.seccomp.syscalls[0].action",
        "linux.seccomp.syscalls[0].args[0].op",
    };

    [Fact]
    public void The_base_config_is_valid() => Load(JsonNode.Parse(Base)!).Should().NotBeNull();

    [Theory]
    [MemberData(nameof(EnumFields))]
    public void A_value_outside_the_enum_is_refused_naming_the_field(string field)
    {
        var config = JsonNode.Parse(Base)!;
        Set(config, field, "NOT_IN_THE_SCHEMA");

        var act = () => Load(config);

        act.Should().Throw<SpecException>().Which.Field.Should().Be(field);
    }

    /// <summary>The field of <see cref="Base"/> each enum of defs-linux.json types.</summary>
    private static readonly Dictionary<string, string> s_fieldOf = new()
    {
        ["MemoryPolicyFlag"] = "linux.memoryPolicy.flags[0]",
        ["MemoryPolicyMode"] = "linux.memoryPolicy.mode",
        ["NamespaceType"] = "linux.namespaces[0].type",
        ["PersonalityDomain"] = "linux.personality.domain",
        ["RootfsPropagation"] = "linux.rootfsPropagation",
        ["SchedulerFlag"] = "process.scheduler.flags[0]",
        ["SchedulerPolicy"] = "process.scheduler.policy",
        ["SeccompAction"] = "linux.seccomp.syscalls[0].action",
        ["SeccompArch"] = "linux.seccomp.architectures[0]",
        ["SeccompFlag"] = "linux.seccomp.flags[0]",
        ["SeccompOperators"] = "linux.seccomp.syscalls[0].args[0].op",
    };

    public static TheoryData<string, string> EnumValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, def) in LinuxDefinitions())
        {
            foreach (var value in def!["enum"]!.AsArray())
                data.Add(s_fieldOf[name], (string)value!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EnumValues))]
    public void Every_value_of_the_enum_is_accepted(string field, string value)
    {
        var config = JsonNode.Parse(Base)!;
        Set(config, field, value);
        if (value == "SCMP_ACT_NOTIFY")
            config["linux"]!["seccomp"]!["listenerPath"] = "/run/agent.sock"; // the spec requires it with NOTIFY
        if (value is "MPOL_BIND" or "MPOL_INTERLEAVE" or "MPOL_PREFERRED_MANY" or "MPOL_WEIGHTED_INTERLEAVE")
            config["linux"]!["memoryPolicy"]!["nodes"] = "0"; // config-linux.md: these modes need at least one node
        if (field == "linux.namespaces[0].type" && value != "mount")
            config["linux"]!["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "mount" });

        var act = () => Load(config);

        act.Should().NotThrow();
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> LinuxDefinitions() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.SpecSchemaFolder, "defs-linux.json")))!["definitions"]!.AsObject()
            .Where(d => d.Value?["enum"] is not null).ToList();

    [Fact]
    public void The_list_covers_every_linux_enum_of_the_schema()
    {
        // Guards the list above: a new enum in the spec's Linux definitions must get a row here.
        var enums = LinuxDefinitions().Select(d => d.Key).Order(StringComparer.Ordinal);
        enums.Should().Equal("MemoryPolicyFlag", "MemoryPolicyMode", "NamespaceType", "PersonalityDomain", "RootfsPropagation",
            "SchedulerFlag", "SchedulerPolicy", "SeccompAction", "SeccompArch", "SeccompFlag", "SeccompOperators");
    }

    private static Spec Load(JsonNode config) => SpecLoader.Parse(Encoding.UTF8.GetBytes(config.ToJsonString()), "config.json");

    /// <summary>Sets a dotted path with [i] indexes, e.g. linux.seccomp.syscalls[0].action.</summary>
    private static void Set(JsonNode root, string path, string value)
    {
        string[] parts = path.Split('.');
        JsonNode node = root;
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            int bracket = part.IndexOf('[');
            string name = bracket < 0 ? part : part[..bracket];
            bool last = i == parts.Length - 1;
            if (bracket < 0)
            {
                if (last)
                    node[name] = value;
                else
                    node = node[name]!;
                continue;
            }
            int index = int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            var array = node[name]!.AsArray();
            if (last)
                array[index] = value;
            else
                node = array[index]!;
        }
    }
}
