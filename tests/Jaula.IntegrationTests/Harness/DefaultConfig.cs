using System.Text.Json.Nodes;

namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// The config every bundle starts from: `runc spec` with terminal off, a writable root, our hostname, and no cgroup
/// mount or resources (cgroups are tested elsewhere); Bundle.Save adds an absolute cgroupsPath (CgroupPlacement).
/// </summary>
public static class DefaultConfig
{
    public static readonly string[] Capabilities = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

    public const string Hostname = "jaula-test";

    public static JsonObject Create(string rootfsPath, IReadOnlyList<string> args)
    {
        var config = JsonNode.Parse(Template)!.AsObject();
        config["root"]!["path"] = rootfsPath;
        config["process"]!["args"] = new JsonArray(args.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        foreach (string set in new[] { "bounding", "effective", "permitted", "ambient" })
        {
            config["process"]!["capabilities"]![set] = new JsonArray(Capabilities.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
        }
        return config;
    }

    private const string Template = """
        {
          "ociVersion": "1.3.0",
          "process": {
            "terminal": false,
            "user": { "uid": 0, "gid": 0 },
            "args": [],
            "env": [
              "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
              "TERM=xterm"
            ],
            "cwd": "/",
            "capabilities": {},
            "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
            "noNewPrivileges": true
          },
          "root": { "path": "", "readonly": false },
          "hostname": "jaula-test",
          "mounts": [
            { "destination": "/proc", "type": "proc", "source": "proc" },
            { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
              "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
            { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
              "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
            { "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
              "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
            { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
              "options": [ "nosuid", "noexec", "nodev" ] },
            { "destination": "/sys", "type": "sysfs", "source": "sysfs",
              "options": [ "nosuid", "noexec", "nodev", "ro" ] }
          ],
          "linux": {
            "namespaces": [
              { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" }
            ],
            "maskedPaths": [
              "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
              "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"
            ],
            "readonlyPaths": [
              "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"
            ]
          }
        }
        """;
}
