using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// jaula run by an unprivileged user (made by <see cref="RootlessUsers"/>): `spec --rootless`, the caller's own id as
/// root inside, several ranges through newuidmap, and the errors a host without subordinate ids gives.
/// </summary>
public sealed class RootlessTests(RootlessUsers users) : IClassFixture<RootlessUsers>, IDisposable
{
    private readonly List<(RootlessUser User, string Dir, string Id)> _made = [];

    [Fact]
    public void Root_inside_is_the_caller_and_a_file_made_inside_is_theirs_outside()
    {
        var user = users.WithSubIds;
        var (dir, id) = NewRootlessBundle(user, "id -u; id -g; cat /proc/self/uid_map; touch /made-inside");

        CommandResult result = RunAs(user, dir, "run", id);

        Lines(result.ShouldSucceed()).Should().Equal("0", "0", $"0 {user.Uid} 1");
        Shell.Run("/usr/bin/stat", "-c", "%u:%g", Path.Combine(dir, "rootfs", "made-inside")).Stdout.Trim()
            .Should().Be($"{user.Uid}:{user.Gid}");
        Directory.Exists(Path.Combine(dir, "run", "jaula")).Should().BeTrue("the state root is $XDG_RUNTIME_DIR/jaula");
        result.Stderr.Should().Contain("no delegated cgroup", "cgroups are skipped with a notice on cgroup v1");
    }

    [Fact]
    public void The_lifecycle_runs_rootless_exec_kill_and_delete_included()
    {
        var user = users.WithSubIds;
        var (dir, id) = NewRootlessBundle(user, "exec sleep 100");

        RunAs(user, dir, "run", "-d", id).ShouldSucceed();
        CommandResult exec = RunAs(user, dir, "exec", id, "sh", "-c", "id -u; ps -o pid,comm");

        Lines(exec.ShouldSucceed()).Should().Contain(["0", "1 sleep"], "exec joins the pid namespace of the container");
        RunAs(user, dir, "kill", id, "KILL").ShouldSucceed();
        RunAs(user, dir, "delete", "--force", id).ShouldSucceed();
        RunAs(user, dir, "state", id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void Several_ranges_are_mapped_through_newuidmap_and_newgidmap()
    {
        var user = users.WithSubIds;
        var (dir, id) = NewRootlessBundle(user, "cat /proc/self/uid_map /proc/self/gid_map", config => SetRanges(config, user));

        CommandResult result = RunAs(user, dir, "run", id);

        string[] expected = [$"0 {user.Uid} 1", $"1 {RootlessUsers.SubordinateStart} {RootlessUsers.SubordinateCount}"];
        Lines(result.ShouldSucceed()).Should().Equal([.. expected, .. expected]);
    }

    [Fact]
    public void Several_ranges_without_a_subuid_entry_fail_saying_so_and_leave_nothing()
    {
        var user = users.WithoutSubIds;
        var (dir, id) = NewRootlessBundle(user, "true", config => SetRanges(config, user));

        RunAs(user, dir, "run", id).ShouldFailWith(id, "linux.uidMappings", $"/etc/subuid has no entry for {user.Name}");

        Directory.EnumerateFileSystemEntries(Path.Combine(dir, "run")).SelectMany(Directory.EnumerateFileSystemEntries)
            .Should().BeEmpty("a failed create leaves no state");
    }

    [Fact]
    public void Several_ranges_without_newuidmap_fail_saying_so()
    {
        var user = users.WithSubIds;
        var (dir, id) = NewRootlessBundle(user, "true", config => SetRanges(config, user));

        // /usr/bin seen through an overlay whose upper layer whites newuidmap out, in a mount namespace of this run only.
        string hide = "mkdir -p \"$0/upper\" \"$0/work\" \"$0/usr-bin\" && mknod \"$0/upper/newuidmap\" c 0 0 && " +
                      "mount -t overlay -o lowerdir=/usr/bin,upperdir=\"$0/upper\",workdir=\"$0/work\" overlay /usr/bin";
        CommandResult result = RunAsOnAlteredHost(user, dir, hide, "run", id);

        result.ShouldFailWith(id, "linux.uidMappings", "/usr/bin/newuidmap, which is missing (apt-get install uidmap)");
        File.Exists("/usr/bin/newuidmap").Should().BeTrue("the host's newuidmap was hidden in a private mount namespace only");
    }

    [Fact]
    public void User_namespaces_switched_off_fail_saying_so()
    {
        var user = users.WithSubIds;
        var (dir, id) = NewRootlessBundle(user, "true");

        string switchOff = "echo 0 > \"$0/zero\" && mount --bind \"$0/zero\" /proc/sys/user/max_user_namespaces";
        CommandResult result = RunAsOnAlteredHost(user, dir, switchOff, "run", id);

        result.ShouldFailWith(id, "/proc/sys/user/max_user_namespaces is 0, so no user namespace can be made");
        File.ReadAllText("/proc/sys/user/max_user_namespaces").Trim().Should().NotBe("0");
    }

    [Fact]
    public void A_rootless_config_without_a_user_namespace_is_refused()
    {
        var user = users.WithSubIds;
        var (dir, id) = NewRootlessBundle(user, "true", config =>
        {
            var namespaces = config["linux"]!["namespaces"]!.AsArray();
            namespaces.Remove(namespaces.First(n => (string?)n!["type"] == "user"));
            config["linux"]!.AsObject().Remove("uidMappings");
            config["linux"]!.AsObject().Remove("gidMappings");
        });

        RunAs(user, dir, "run", id).ShouldFailWith(id, "linux.namespaces", "rootless container needs a new user namespace");
    }

    /// <summary>A bundle the user owns (rootfs included) whose config is what `jaula spec --rootless` wrote for them.</summary>
    private (string Dir, string Id) NewRootlessBundle(RootlessUser user, string script, Action<JsonObject>? tweak = null)
    {
        string dir = Directory.CreateTempSubdirectory("jaula-it-rootless-").FullName;
        string id = "it-rl-" + Guid.NewGuid().ToString("N")[..8];
        _made.Add((user, dir, id));
        SharedRootfs.CopyTo(Path.Combine(dir, "rootfs"));
        Directory.CreateDirectory(Path.Combine(dir, "run"));
        Shell.Run("/bin/chown", "-R", $"{user.Uid}:{user.Gid}", dir);
        RunAs(user, dir, "spec", "--rootless").ShouldSucceed();

        string configPath = Path.Combine(dir, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["process"]!["terminal"] = false;
        config["process"]!["args"] = new JsonArray("sh", "-c", script);
        config["root"]!["readonly"] = false;
        tweak?.Invoke(config);
        File.WriteAllText(configPath, config.ToJsonString());
        return (dir, id);
    }

    private static void SetRanges(JsonObject config, RootlessUser user)
    {
        foreach (var (field, own) in new[] { ("uidMappings", user.Uid), ("gidMappings", user.Gid) })
        {
            config["linux"]![field] = new JsonArray(
                new JsonObject { ["containerID"] = 0, ["hostID"] = own, ["size"] = 1 },
                new JsonObject { ["containerID"] = 1, ["hostID"] = RootlessUsers.SubordinateStart, ["size"] = RootlessUsers.SubordinateCount });
        }
    }

    /// <summary>The published binary as the user, from the bundle dir, with XDG_RUNTIME_DIR=&lt;bundle&gt;/run.</summary>
    private static CommandResult RunAs(RootlessUser user, string dir, params string[] args)
    {
        using var command = RunningCommand.Start("/usr/sbin/runuser",
            ["-u", user.Name, "--", "/usr/bin/env", $"XDG_RUNTIME_DIR={Path.Combine(dir, "run")}", RepoPaths.Binary, .. args], dir);
        return command.Wait();
    }

    /// <summary>
    /// Like <see cref="RunAs"/>, in a private mount namespace that a root shell script first alters (the host's files
    /// are never touched); the script gets a scratch dir owned by root as $0.
    /// </summary>
    private static CommandResult RunAsOnAlteredHost(RootlessUser user, string dir, string script, params string[] args)
    {
        string scratch = Directory.CreateTempSubdirectory("jaula-it-host-").FullName;
        try
        {
            using var command = RunningCommand.Start("/usr/bin/unshare",
                ["--mount", "--propagation", "private", "/bin/sh", "-c", script + " && exec \"$@\"", scratch,
                 "/usr/sbin/runuser", "-u", user.Name, "--", "/usr/bin/env", $"XDG_RUNTIME_DIR={Path.Combine(dir, "run")}",
                 RepoPaths.Binary, .. args], dir);
            return command.Wait();
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static string[] Lines(CommandResult result) =>
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .ToArray();

    public void Dispose()
    {
        foreach (var (user, dir, id) in _made)
        {
            RunAs(user, dir, "delete", "--force", id);
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
