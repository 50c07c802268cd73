using System.Globalization;
using System.Text;

namespace Jaula.Runtime;

/// <summary>
/// What `delete` needs to remove a stopped container without starting .NET (native/fast_delete.c): the init's pid and
/// start time (the C delete goes on only while that process is gone), the container's cgroup directories, and the
/// parents create made for them. create writes it only when `delete` has nothing else to do: no poststop hooks, no
/// resctrl group, no systemd unit, no mounts left in the host's mount namespace, and paths a line can carry.
/// </summary>
public static class DeleteTicket
{
    public const string FileName = "delete.ticket";

    /// <summary>The C delete's buffer (TICKET_MAX in fast_delete.c) less its terminating NUL.</summary>
    public const int MaxLength = 16383;

    private const string Magic = "jaula-delete-ticket 1 ";

    public static bool Applies(ContainerRecord record, bool ownMountNamespace) =>
        ownMountNamespace
        && record.Hooks?.Poststop is not { Count: > 0 }
        && record.IntelRdt is null
        && record.Cgroup?.SystemdUnit is null;

    /// <summary>The ticket's text, or null when a path cannot be one line of it or the whole does not fit.</summary>
    public static string? Format(ContainerRecord record)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{Magic}{record.Pid} {record.PidStartTime}\n"));
        if (record.Cgroup is { } cgroup)
        {
            foreach (string dir in cgroup.Paths.Values)
                text.Append("d ").Append(dir).Append('\n');
            foreach (string parent in cgroup.CreatedParents.OrderByDescending(p => p.Length))
                text.Append("p ").Append(parent).Append('\n');
            if (cgroup.Paths.Values.Concat(cgroup.CreatedParents).Any(p => !p.StartsWith('/') || p.Contains('\n') || p.Contains('\0')))
                return null;
        }
        string ticket = text.ToString();
        return Encoding.UTF8.GetByteCount(ticket) <= MaxLength ? ticket : null;
    }

    /// <summary>Writes the ticket of <paramref name="record"/> when it applies.</summary>
    public static void WriteIfApplies(string containerDir, ContainerRecord record, bool ownMountNamespace)
    {
        if (!Applies(record, ownMountNamespace) || Format(record) is not { } text)
            return;
        StateStore.WriteAtomically(Path.Combine(containerDir, FileName), Encoding.UTF8.GetBytes(text));
    }
}
