using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Jaula.Cgroups.Stats;
using Jaula.Runtime;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

/// <summary>
/// events: runc's event stream. --stats prints one "stats" event; otherwise a "stats" event every --interval and an
/// "oom" event as soon as the OOM killer acts in the container's cgroup, until the container is gone.
/// </summary>
public static class EventsCommand
{
    /// <summary>How often the OOM counter is read between stats events.</summary>
    private static readonly TimeSpan OomPoll = TimeSpan.FromMilliseconds(100);

    public static Command Build()
    {
        var id = new Argument<string>("container-id") { Description = "the container's id" };
        var stats = new Option<bool>("--stats") { Description = "print the container's statistics once and exit" };
        var interval = new Option<string>("--interval") { Description = "time between stats events (e.g. 5s, 500ms)", DefaultValueFactory = _ => "5s" };
        var command = new Command("events", "print the container's statistics and OOM events as JSON");
        command.Arguments.Add(id);
        command.Options.Add(stats);
        command.Options.Add(interval);
        command.SetAction(result => CommandContext.Execute(result, "events", result.GetValue(id), context =>
        {
            string name = result.GetValue(id)!;
            var control = new ContainerControl(context.Store, context.Log);
            if (result.GetValue(stats))
            {
                Print(new CgroupEvent { Type = "stats", Id = name, Data = control.Stats(name) });
                return 0;
            }
            Stream(control, name, ParseDuration(result.GetValue(interval)!));
            return 0;
        }));
        return command;
    }

    private static void Stream(ContainerControl control, string id, TimeSpan interval)
    {
        var (container, manager) = control.Live(id);
        using var oom = manager.WatchOom();
        var nextStats = DateTime.UtcNow;
        while (true)
        {
            // Liveness first, then the OOM count: an OOM that killed the init is still reported.
            bool alive = container.InitIsAlive();
            for (ulong n = oom.Poll(); n > 0; n--)
                Print(new CgroupEvent { Type = "oom", Id = id });
            if (!alive)
                return;
            if (DateTime.UtcNow >= nextStats)
            {
                TryPrintStats(manager, id);
                nextStats = DateTime.UtcNow + interval;
            }
            Thread.Sleep(OomPoll < interval ? OomPoll : interval);
        }
    }

    /// <summary>The cgroup may vanish between the liveness check and the read (the container just ended).</summary>
    private static void TryPrintStats(Jaula.Cgroups.ICgroupManager manager, string id)
    {
        try
        {
            Print(new CgroupEvent { Type = "stats", Id = id, Data = manager.Stats() });
        }
        catch (Exception e) when (e is IOException or Jaula.Cgroups.CgroupException) { }
    }

    private static void Print(CgroupEvent e)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(e, CgroupJson.Default.CgroupEvent));
        Console.Out.Flush();
    }

    /// <summary>Go's duration form as runc takes it: "5s", "500ms", "1m", "1m30s", "2h".</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var total = TimeSpan.Zero;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                i++;
            int unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
                i++;
            if (start == unitStart || !double.TryParse(text[start..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n))
                throw new JaulaException($"--interval: \"{text}\" is not a duration (e.g. 5s, 500ms)");
            total += text[unitStart..i] switch
            {
                "ns" => TimeSpan.FromTicks((long)(n / 100)),
                "us" or "µs" => TimeSpan.FromMicroseconds(n),
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => throw new JaulaException($"--interval: \"{text}\" has an unknown unit (use ns, us, ms, s, m or h)"),
            };
        }
        if (total <= TimeSpan.Zero)
            throw new JaulaException($"--interval: \"{text}\" must be a positive duration");
        return total;
    }
}
