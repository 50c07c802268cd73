using System.Globalization;
using System.Text;
using Jaula.Linux;

namespace Jaula.Runtime;

/// <summary>
/// What `start` needs to release the init without starting .NET (native/fast_start.c): the init's pid and start time.
/// create writes it only when `start` has nothing for managed code to do after the release: the container has a
/// process and no poststart hooks. The C start checks the pid against /proc as <see cref="Lifecycle.Container"/> does
/// and hands back to the managed start for anything else, so a ticket never decides an error.
/// </summary>
public static class StartTicket
{
    public const string FileName = "start.ticket";

    /// <summary>Where the C start leaves the init's refusal ("1" and the failure on the fifo) for the managed start.</summary>
    public const string RefusalFileName = "start.refused";

    private const string Magic = "jaula-start-ticket 1 ";

    public static bool Applies(ContainerRecord record) => !record.NoProcess && record.Hooks?.Poststart is not { Count: > 0 };

    public static string Format(int pid, ulong startTime) =>
        string.Create(CultureInfo.InvariantCulture, $"{Magic}{pid} {startTime}\n");

    /// <summary>Writes the ticket of <paramref name="record"/> when it applies.</summary>
    public static void WriteIfApplies(string containerDir, ContainerRecord record)
    {
        if (!Applies(record))
            return;
        StateStore.WriteAtomically(Path.Combine(containerDir, FileName), Encoding.ASCII.GetBytes(Format(record.Pid, record.PidStartTime)));
    }

    /// <summary>The refusal the C start kept, removed as it is taken; null when there is none.</summary>
    public static string? TakeRefusal(string containerDir)
    {
        string path = Path.Combine(containerDir, RefusalFileName);
        if (!Sys.TryLstat(path, out _))
            return null;
        string text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
        File.Delete(path);
        return text;
    }
}
