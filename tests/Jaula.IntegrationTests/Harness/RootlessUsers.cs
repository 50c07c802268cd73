namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// Two unprivileged users made for the rootless tests and removed afterwards (userdel -r, subordinate ids too): one
/// with /etc/subuid and /etc/subgid entries (<see cref="SubordinateStart"/>, 65536 ids), one with none.
/// </summary>
public sealed class RootlessUsers : IDisposable
{
    public const uint SubordinateStart = 300000;
    public const uint SubordinateCount = 65536;

    public RootlessUsers()
    {
        string suffix = Guid.NewGuid().ToString("N")[..6];
        WithSubIds = Add($"jit-rl-{suffix}");
        WithoutSubIds = Add($"jit-rn-{suffix}");
        // useradd may hand out subordinate ids by itself (SUB_UID_COUNT in login.defs): start from none.
        RemoveSubordinateIds(WithSubIds.Name);
        RemoveSubordinateIds(WithoutSubIds.Name);
        string range = $"{SubordinateStart}-{SubordinateStart + SubordinateCount - 1}";
        Shell.Run("/usr/sbin/usermod", "--add-subuids", range, "--add-subgids", range, WithSubIds.Name);
    }

    public RootlessUser WithSubIds { get; }

    public RootlessUser WithoutSubIds { get; }

    private static RootlessUser Add(string name)
    {
        Shell.Run("/usr/sbin/useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name);
        uint uid = uint.Parse(Shell.Run("/usr/bin/id", "-u", name).Stdout.Trim());
        uint gid = uint.Parse(Shell.Run("/usr/bin/id", "-g", name).Stdout.Trim());
        return new RootlessUser(name, uid, gid);
    }

    public void Dispose()
    {
        foreach (var user in new[] { WithSubIds, WithoutSubIds })
        {
            using var command = RunningCommand.Start("/usr/sbin/userdel", ["-r", user.Name]);
            command.Wait();
            // userdel removes the subordinate ids too; make sure, since a stale line would grant ids to a later user.
            RemoveSubordinateIds(user.Name);
        }
    }

    private static void RemoveSubordinateIds(string name)
    {
        foreach (string file in new[] { "/etc/subuid", "/etc/subgid" })
        {
            var lines = File.ReadAllLines(file);
            var kept = lines.Where(l => !l.StartsWith(name + ":", StringComparison.Ordinal)).ToArray();
            if (kept.Length != lines.Length)
                File.WriteAllLines(file, kept);
        }
    }
}

public sealed record RootlessUser(string Name, uint Uid, uint Gid);
